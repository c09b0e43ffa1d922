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
/// not configured, a vault no target receives, two vaults whose secrets could get the same name in one target).
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
        foreach (string vaultSetting in new[] { "TargetPrefix", "IncludeNamePatterns", "ExcludeNamePatterns", "RequiredTagName", "RequiredTagValue" })
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

        List<(string Name, string Prefix)> vaults = ValidateVaults(options, failures);
        ValidateTargets(options, vaults, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The vaults' names and name prefixes: the listed ones, or the single vault of <c>KvReplicator:KeyVault</c>.</summary>
    private List<(string Name, string Prefix)> ValidateVaults(ReplicationRoutesOptions options, List<string> failures)
    {
        if (options.Vaults.Count == 0)
        {
            KeyVaultOptions single = configuration.GetSection(KeyVaultOptions.SectionName).Get<KeyVaultOptions>() ?? new KeyVaultOptions();
            ReplicationOptions replication = configuration.GetSection(ReplicationOptions.SectionName).Get<ReplicationOptions>() ?? new ReplicationOptions();
            return [(single.EffectiveVaultName, replication.TargetPrefix)];
        }

        var vaults = new List<(string Name, string Prefix)>();
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

            vaults.Add((vaultName, vault.Replication.TargetPrefix));
        }

        return vaults;
    }

    private static void ValidateTargets(ReplicationRoutesOptions options, List<(string Name, string Prefix)> vaults, List<string> failures)
    {
        if (options.Targets.Count == 0)
        {
            // The single target receives every vault, under each vault's own prefix.
            CheckNameCollisions(SecretsManagerOptions.SectionName, string.Empty, vaults, failures);
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

            if (!TargetPrefixPattern().IsMatch(target.TargetPrefix ?? string.Empty))
            {
                failures.Add($"{key}:TargetPrefix may only contain letters, digits and / _ + = . @ -");
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

            List<(string Name, string Prefix)> routed = [];
            foreach (string vaultName in target.Vaults.Where(vault => !string.IsNullOrWhiteSpace(vault)))
            {
                if (!vaults.Any(vault => string.Equals(vault.Name, vaultName, StringComparison.OrdinalIgnoreCase)))
                {
                    failures.Add($"{key}:Vaults names vault '{vaultName}', which is not configured (configured: {string.Join(", ", vaults.Select(vault => vault.Name))}).");
                }
            }

            routed.AddRange(vaults.Where(vault => Receives(target, vault.Name)));
            received.UnionWith(routed.Select(vault => vault.Name));
            CheckNameCollisions(key, target.TargetPrefix ?? string.Empty, routed, failures);
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
    /// Two vaults in one target must not be able to map two secrets to one AWS name: that happens exactly when one
    /// full prefix is the other followed only by characters a Key Vault name may hold (letters, digits, dashes),
    /// e.g. <c>kv/</c> and <c>kv/a-</c>, or two equal prefixes. <c>kv/a/</c> and <c>kv/b/</c> cannot collide.
    /// </summary>
    private static void CheckNameCollisions(string key, string targetPrefix, List<(string Name, string Prefix)> vaults, List<string> failures)
    {
        for (int i = 0; i < vaults.Count; i++)
        {
            for (int j = i + 1; j < vaults.Count; j++)
            {
                string a = targetPrefix + vaults[i].Prefix;
                string b = targetPrefix + vaults[j].Prefix;
                (string shorter, string longer) = a.Length <= b.Length ? (a, b) : (b, a);
                if (longer.StartsWith(shorter, StringComparison.Ordinal) && KeyVaultNameCharacters().IsMatch(longer[shorter.Length..]))
                {
                    failures.Add($"{key}: vaults '{vaults[i].Name}' and '{vaults[j].Name}' could write secrets of the same name (prefixes '{a}' and '{b}'); give each vault a Replication:TargetPrefix ending in '/', e.g. '{vaults[i].Name}/'.");
                }
            }
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

    [GeneratedRegex("^[A-Za-z0-9/_+=.@-]*$")]
    private static partial Regex TargetPrefixPattern();

    [GeneratedRegex("^[A-Za-z0-9-]*$")]
    private static partial Regex KeyVaultNameCharacters();
}
