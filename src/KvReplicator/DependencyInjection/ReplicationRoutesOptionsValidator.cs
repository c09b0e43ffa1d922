using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using KvReplicator.Credentials;
using KvReplicator.KeyVault;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KvReplicator.DependencyInjection;

/// <summary>
/// Checks <c>KvReplicator:Vaults</c> and <c>KvReplicator:Targets</c> at start, each failure one sentence naming the
/// entry's key: every entry's own sections by the rules of their single-vault, single-target counterparts, then
/// what only a list can get wrong (a vault listed twice, a target id used twice, a target naming a vault that is
/// not configured, a vault no target receives, two vaults whose secrets could get the same name in one target,
/// an <c>AccountId</c> that is not its role's account, two targets of one write quota with different limits).
/// </summary>
/// <param name="configuration">The host's configuration, to see whether the single sections the lists replace are set too.</param>
internal sealed partial class ReplicationRoutesOptionsValidator(IConfiguration configuration) : IValidateOptions<ReplicationRoutesOptions>
{
    private const string Vaults = "KvReplicator:Vaults";
    private const string Targets = "KvReplicator:Targets";

    public ValidateOptionsResult Validate(string? name, ReplicationRoutesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!options.IsConfigured)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (options.Vaults.Count > 0 && !string.IsNullOrEmpty(configuration[$"{KeyVaultOptions.SectionName}:VaultUri"]))
        {
            failures.Add($"{KeyVaultOptions.SectionName}:VaultUri and {Vaults} are both set: list every vault under {Vaults} and unset {KeyVaultOptions.SectionName}.");
        }

        // The vault's own settings, which each listed vault sets for itself: left at the deployment level they would be ignored.
        foreach (string vaultSetting in new[] { "TargetPrefix", "TargetNameTemplate", "IncludeNamePatterns", "ExcludeNamePatterns", "RequiredTagName", "RequiredTagValue" })
        {
            IConfigurationSection section = configuration.GetSection($"{ReplicationOptions.SectionName}:{vaultSetting}");
            if (options.Vaults.Count > 0 && (!string.IsNullOrEmpty(section.Value) || section.GetChildren().Any()))
            {
                failures.Add($"{ReplicationOptions.SectionName}:{vaultSetting} is a vault's setting: with {Vaults}, set it per vault ({Vaults}:<n>:Replication:{vaultSetting}) and unset it here.");
            }
        }

        if (options.Targets.Count > 0 && !string.IsNullOrEmpty(configuration[$"{SecretsManagerOptions.SectionName}:Region"]))
        {
            failures.Add($"{SecretsManagerOptions.SectionName}:Region and {Targets} are both set: list every target under {Targets} and unset {SecretsManagerOptions.SectionName}.");
        }

        List<(string Name, ReplicationOptions Replication)> vaults = ValidateVaults(options, failures);
        CredentialsOptions deployment = configuration.GetSection(CredentialsOptions.SectionName).Get<CredentialsOptions>() ?? new CredentialsOptions();
        ValidateTargets(options, vaults, deployment, failures);
        failures.AddRange(TargetWriteQuotas.Create(configuration, options, deployment, TimeProvider.System).Failures);

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The vaults' names and replication settings: the listed ones, or the single vault of <c>KvReplicator:KeyVault</c>.</summary>
    private List<(string Name, ReplicationOptions Replication)> ValidateVaults(ReplicationRoutesOptions options, List<string> failures)
    {
        if (options.Vaults.Count == 0)
        {
            KeyVaultOptions single = configuration.GetSection(KeyVaultOptions.SectionName).Get<KeyVaultOptions>() ?? new KeyVaultOptions();
            ReplicationOptions replication = configuration.GetSection(ReplicationOptions.SectionName).Get<ReplicationOptions>() ?? new ReplicationOptions();
            return [(single.EffectiveVaultName, replication)];
        }

        var vaults = new List<(string Name, ReplicationOptions Replication)>();
        for (int i = 0; i < options.Vaults.Count; i++)
        {
            string key = $"{Vaults}:{i}";
            VaultRouteOptions vault = options.Vaults[i] ?? new VaultRouteOptions();
            ValidateOptionsResult keyVault = new KeyVaultOptionsValidator().Validate(null, vault.KeyVault);
            if (keyVault.Failed)
            {
                failures.AddRange(keyVault.Failures!.Select(failure => Rebase(failure, KeyVaultOptions.SectionName, $"{key}:KeyVault")));
                if (string.IsNullOrEmpty(vault.KeyVault.EffectiveVaultName))
                {
                    continue;
                }
            }

            AddAnnotationFailures(vault.Replication, $"{key}:Replication", failures);
            string vaultName = vault.KeyVault.EffectiveVaultName;
            int first = vaults.FindIndex(seen => string.Equals(seen.Name, vaultName, StringComparison.OrdinalIgnoreCase));
            if (first >= 0)
            {
                failures.Add($"{key}: vault '{vaultName}' is listed twice (also {Vaults}:{first}); list each vault once.");
            }

            vaults.Add((vaultName, vault.Replication));
        }

        return vaults;
    }

    private static void ValidateTargets(
        ReplicationRoutesOptions options, List<(string Name, ReplicationOptions Replication)> vaults, CredentialsOptions deploymentCredentials, List<string> failures)
    {
        if (options.Targets.Count == 0)
        {
            // The single target receives every vault, under each vault's own prefix and template.
            CheckNames(SecretsManagerOptions.SectionName, target: null, vaults, failures);
            return;
        }

        var ids = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var received = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 0; i < options.Targets.Count; i++)
        {
            string key = $"{Targets}:{i}";
            TargetRouteOptions target = options.Targets[i] ?? new TargetRouteOptions();
            if (string.IsNullOrWhiteSpace(target.Id) || !TargetIdPattern().IsMatch(target.Id))
            {
                failures.Add($"{key}:Id must be the target's name, 1-32 letters, digits or dashes (e.g. prod-eu); it names the target's ledger records and metrics.");
            }
            else if (ids.TryGetValue(target.Id, out int first))
            {
                failures.Add($"{key}:Id '{target.Id}' is also the Id of {Targets}:{first}; each target needs its own Id (it names the target's ledger records).");
            }
            else
            {
                ids[target.Id] = i;
            }

            string? prefixError = SecretNameMapper.TemplateError(SecretNameMapper.DefaultTemplate, target.TargetPrefix ?? string.Empty);
            if (prefixError is not null)
            {
                failures.Add($"{key}:TargetPrefix: {prefixError}");
            }

            AddAnnotationFailures(target.SecretsManager, $"{key}:SecretsManager", failures);
            ValidateOptionsResult secretsManager = new SecretsManagerOptionsValidator().Validate(null, target.SecretsManager);
            if (secretsManager.Failed)
            {
                failures.AddRange(secretsManager.Failures!.Select(failure => Rebase(failure, SecretsManagerOptions.SectionName, $"{key}:SecretsManager")));
            }

            if (target.Credentials is { } credentials)
            {
                AddAnnotationFailures(credentials, $"{key}:Credentials", failures);
                ValidateOptionsResult credentialsResult = new CredentialsOptionsValidator().Validate(null, credentials);
                if (credentialsResult.Failed)
                {
                    // Its messages name keys inside the section (RolesAnywhere:RoleArn, Credentials:Source).
                    failures.AddRange(credentialsResult.Failures!.Select(failure => failure.StartsWith("Credentials:", StringComparison.Ordinal)
                        ? $"{key}:{failure}"
                        : $"{key}:Credentials:{failure}"));
                }
            }

            if (!string.IsNullOrWhiteSpace(target.AccountId))
            {
                string? roleAccount = TargetWriteQuotas.RoleAccount(target.Credentials ?? deploymentCredentials);
                if (!AccountIdPattern().IsMatch(target.AccountId.Trim()))
                {
                    failures.Add($"{key}:AccountId must be the target's AWS account, 12 digits (e.g. 111122223333); it tells which targets share a write quota.");
                }
                else if (roleAccount is not null && roleAccount != target.AccountId.Trim())
                {
                    failures.Add($"{key}:AccountId {target.AccountId.Trim()} is not the account of the role its credentials assume ({roleAccount}): fix one, or unset AccountId (the role's account is used).");
                }
            }

            List<(string Name, ReplicationOptions Replication)> routed = [];
            foreach (string vaultName in target.Vaults.Where(vault => !string.IsNullOrWhiteSpace(vault)))
            {
                if (!vaults.Any(vault => string.Equals(vault.Name, vaultName, StringComparison.OrdinalIgnoreCase)))
                {
                    failures.Add($"{key}:Vaults names vault '{vaultName}', which is not configured (configured: {string.Join(", ", vaults.Select(vault => vault.Name))}).");
                }
            }

            routed.AddRange(vaults.Where(vault => Receives(target, vault.Name)));
            received.UnionWith(routed.Select(vault => vault.Name));
            if (prefixError is null)
            {
                CheckNames(key, target, routed, failures);
            }
        }

        foreach ((string vaultName, _) in vaults.Where(vault => !received.Contains(vault.Name)))
        {
            failures.Add($"Vault '{vaultName}' is replicated to no target: add it to the Vaults of a {Targets} entry (or leave that list empty for every vault).");
        }
    }

    /// <summary>True when <paramref name="target"/> receives the vault: it lists it, or lists none.</summary>
    internal static bool Receives(TargetRouteOptions target, string vaultName)
    {
        string[] listed = [.. target.Vaults.Where(vault => !string.IsNullOrWhiteSpace(vault))];
        return listed.Length == 0 || listed.Contains(vaultName, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// Each vault's names in one target by the template it gets there (the target's, or the vault's own) under the
    /// target's prefix and the vault's; and no two vaults able to map two secrets to one AWS name
    /// (<see cref="SecretNameMapper.CollisionError"/>: e.g. prefixes <c>kv/</c> and <c>kv/a-</c>, or one template
    /// without <c>{vault}</c> for two vaults).
    /// </summary>
    private static void CheckNames(string key, TargetRouteOptions? target, List<(string Name, ReplicationOptions Replication)> vaults, List<string> failures)
    {
        var mappers = new List<SecretNameMapper>();
        foreach ((string vaultName, ReplicationOptions vault) in vaults)
        {
            (string template, string prefix) = ReplicationRoutes.Naming(vault, target);
            if (SecretNameMapper.TemplateError(template, prefix) is { } error)
            {
                // A vault's own template is reported with its vault; one only the target's prefix or template breaks, here.
                if (target is not null)
                {
                    failures.Add($"{key}: for vault '{vaultName}': {error}");
                }

                continue;
            }

            mappers.Add(new SecretNameMapper(template, prefix, vaultName));
        }

        if (SecretNameMapper.CollisionError(mappers) is { } collision)
        {
            failures.Add($"{key}: {collision}");
        }
    }

    private static void AddAnnotationFailures(object section, string key, List<string> failures)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(result => $"{key}: {result.ErrorMessage ?? "invalid value"}"));
        }
    }

    /// <summary>A single section's message, keyed for the list entry: <c>KvReplicator:KeyVault:VaultUri …</c> becomes <c>KvReplicator:Vaults:0:KeyVault:VaultUri …</c>.</summary>
    private static string Rebase(string failure, string section, string entry) =>
        failure.StartsWith(section + ":", StringComparison.Ordinal) ? entry + failure[section.Length..]
        : failure.Contains(section + ":", StringComparison.Ordinal) ? failure.Replace(section + ":", entry + ":", StringComparison.Ordinal)
        : $"{entry}: {failure}";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")]
    private static partial Regex TargetIdPattern();

    [GeneratedRegex("^[0-9]{12}$")]
    private static partial Regex AccountIdPattern();

}
