using KvReplicator.Cli.Configuration;
using KvReplicator.DeadLettering;
using KvReplicator.DependencyInjection;
using KvReplicator.Ledger;
using KvReplicator.Preflight;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Cli.Doctor;

/// <summary>
/// Everything <c>kvrep doctor</c> checks, in order: the configuration file, every setting (all problems, not the
/// first), then each configured store with the same preflight the hosts run at start. Unlike a verb it goes on
/// past a failure, so one run shows every problem.
/// </summary>
internal static class DoctorChecklist
{
    private const string ConfigurationCheck = "Configuration";
    private const string SettingsCheck = "Settings";

    /// <param name="configureServices">Registers services before the replicator (tests: the emulators' credentials).</param>
    public static async Task<PreflightReport> RunAsync(FileInfo? config, Action<IServiceCollection>? configureServices, CancellationToken cancellationToken)
    {
        var checks = new List<PreflightCheck>();
        if (config is { Exists: false })
        {
            checks.Add(SettingsFailure(ConfigurationCheck, $"configuration file '{config.FullName}' does not exist."));
            return new PreflightReport(checks);
        }

        IConfigurationRoot configuration;
        try
        {
            configuration = CommandConfiguration.Build(config);
        }
        catch (ConfigurationFileException exception)
        {
            checks.Add(SettingsFailure(ConfigurationCheck, exception.Message));
            return new PreflightReport(checks);
        }

        checks.Add(new PreflightCheck(ConfigurationCheck, config?.FullName ?? "environment only", PreflightStatus.Passed, "read"));

        // What is configured is what is checked: without a ledger, the stores of verify; with one, those of serve.
        bool ledger = IsSet(configuration, LedgerOptions.SectionName, nameof(LedgerOptions.ConnectionString), nameof(LedgerOptions.ServiceUri));
        KvReplicatorRole role = ledger ? KvReplicatorRole.Replicate : KvReplicatorRole.Compare;
        ServiceProvider provider;
        try
        {
            provider = CommandConfiguration.Compose(configuration, role, configureServices is null ? null : (services, settings) =>
            {
                configureServices(services);
                services.AddKvReplicator(settings, role);
            });
        }
        catch (Exception exception) when (CommandConfiguration.Describe(exception) is { } problems)
        {
            checks.AddRange(problems.Select(problem => SettingsFailure(SettingsCheck, problem)));
            return new PreflightReport(checks);
        }

        await using (provider.ConfigureAwait(false))
        {
            try
            {
                provider.GetService<IStartupValidator>()?.Validate();

                // Built before "valid" is said: a limit the binder cannot read fails here, not after the claim.
                PreflightCheck[] quotas = [.. WriteQuotas(provider)];
                checks.Add(new PreflightCheck(SettingsCheck, "-", PreflightStatus.Passed, "every setting is valid"));
                checks.AddRange(quotas);
            }
            catch (Exception exception) when (CommandConfiguration.Describe(exception) is { } problems)
            {
                checks.AddRange(problems.Select(problem => SettingsFailure(SettingsCheck, problem)));
            }

            if (!ledger)
            {
                checks.Add(new PreflightCheck("Ledger container", "-", PreflightStatus.Skipped,
                    $"not configured ({LedgerOptions.SectionName}:ServiceUri or ConnectionString): serve, sync, replay and status need it"));
            }

            PreflightReport stores = await provider.GetRequiredService<StorePreflight>().RunAsync(cancellationToken).ConfigureAwait(false);
            foreach (PreflightCheck check in stores.Checks)
            {
                // A store's settings problem already listed under Settings is not listed twice; the store could not be asked.
                checks.Add(check.Failure == PreflightFailure.Settings && checks.Any(done => done.Store == SettingsCheck && check.Detail.Contains(done.Detail, StringComparison.Ordinal))
                    ? check with { Status = PreflightStatus.Skipped, Detail = "not checked: its settings are invalid (see Settings)", Failure = PreflightFailure.None }
                    : check);
            }

            if (ledger && !IsSet(configuration, DeadLetterOptions.SectionName, nameof(DeadLetterOptions.ConnectionString), nameof(DeadLetterOptions.ServiceUri)))
            {
                checks.Add(new PreflightCheck("Dead-letter container", "-", PreflightStatus.Skipped,
                    $"not configured ({DeadLetterOptions.SectionName}): rejected deliveries are logged, not dead-lettered"));
            }
        }

        return new PreflightReport(checks);
    }

    /// <summary>
    /// Which AWS write quota each target's writes count against and the limit kept under it, so an operator sees
    /// which targets slow each other down (one line per target; no call is made).
    /// </summary>
    private static IEnumerable<PreflightCheck> WriteQuotas(IServiceProvider provider) =>
        provider.GetRequiredService<TargetWriteQuotas>().Targets.Select(target => new PreflightCheck(
            $"Write quota (target {target.TargetId})", target.Quota.ToString(), PreflightStatus.Passed, target.Describe()));

    private static PreflightCheck SettingsFailure(string check, string problem) =>
        new(check, "-", PreflightStatus.Failed, problem, PreflightFailure.Settings);

    /// <summary>Whether any of a section's settings has a value (an empty one counts as unset, as for the replicator).</summary>
    private static bool IsSet(IConfiguration configuration, string section, params string[] keys) =>
        keys.Any(key => !string.IsNullOrEmpty(configuration[$"{section}:{key}"]));
}
