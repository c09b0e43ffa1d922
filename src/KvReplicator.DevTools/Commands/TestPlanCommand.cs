using System.CommandLine;
using System.Text.Json;
using KvReplicator.Cli;
using KvReplicator.Cli.Invocation;
using KvReplicator.DevTools.Local;
using KvReplicator.DevTools.Targets;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.TestPlan.Cases;
using KvReplicator.TestPlan.Replication;
using KvReplicator.TestPlan.Reporting;
using KvReplicator.TestPlan.Targets;

namespace KvReplicator.DevTools.Commands;

/// <summary>
/// <c>kvrep-dev test-plan</c> (run by <c>scripts/test-plan.sh</c>): the six test cases against the local cloud or a
/// real deployment, a Markdown table (or <c>--json</c>) on stdout, non-zero exit when a case fails.
/// </summary>
internal sealed class TestPlanCommand : Command
{
    internal static readonly Option<string?> TargetOption = CreateTargetOption();

    internal static readonly Option<bool> FreshOption = new("--fresh") { Description = "With --target local: ignore a running kvrep-dev localcloud and start an in-process one (all six cases can run)." };

    internal static readonly Option<FileInfo> EnvironmentFileOption = new("--environment-file") { Description = "Where to look for a running kvrep-dev localcloud (default: as kvrep-dev localcloud writes it)." };

    internal static readonly Option<string> KeyVaultUriOption = new("--key-vault-uri") { Description = "The source vault of a real deployment, e.g. https://my-vault.vault.azure.net/ (implies --target azure)." };

    internal static readonly Option<string> AwsRegionOption = new("--aws-region") { Description = "Region of the deployment's Secrets Manager (default: AWS_REGION)." };

    internal static readonly Option<string> AwsProfileOption = new("--aws-profile") { Description = "AWS profile for read-only verification (default: the SDK's credential chain)." };

    internal static readonly Option<string> TargetPrefixOption = new("--target-prefix") { Description = "The replicator's KvReplicator:Replication:TargetPrefix on the deployment." };

    internal static readonly Option<string> RedeliverUrlOption = new("--redeliver-url") { Description = "Case 2 on a deployment: the replicator's Event Grid webhook (https://HOST/api/events, or https://APP.azurewebsites.net/runtime/webhooks/eventgrid?functionName=ReplicateSecret); its key is read from KVREP_REDELIVER_KEY." };

    internal static readonly Option<bool> RedeliverKeyInQueryOption = new("--redeliver-key-in-query") { Description = "Send KVREP_REDELIVER_KEY as the code query parameter (the Functions Event Grid system key) instead of the X-Kvrep-Key header." };

    internal static readonly Option<int> SecretsOption = new("--secrets") { Description = "Case 1: secrets to create.", DefaultValueFactory = _ => 10 };

    internal static readonly Option<int> MaxVersionsOption = new("--max-versions") { Description = "Case 1: each secret gets 1 to this many versions.", DefaultValueFactory = _ => 4 };

    internal static readonly Option<int> UpdatesOption = new("--updates") { Description = "Case 4: updates of one secret.", DefaultValueFactory = _ => 5 };

    internal static readonly Option<int?> SeedOption = new("--seed") { Description = "Seed for values, lengths, formats and version counts." };

    internal static readonly Option<int> TimeoutOption = new("--timeout") { Description = "Seconds to wait for versions to reach Secrets Manager, per wait.", DefaultValueFactory = _ => 120 };

    internal static readonly Option<int> LagBudgetOption = new("--lag-budget") { Description = "Case 5: the p95 end-to-end lag (seconds) that still passes.", DefaultValueFactory = _ => 30 };

    internal static readonly Option<int[]> CasesOption = new("--cases") { Description = "Run only these cases, e.g. --cases 1 4 5.", AllowMultipleArgumentsPerToken = true };

    internal static readonly Option<bool> KeepOption = new("--keep") { Description = "Leave the secrets the plan created." };

    internal static readonly Option<bool> JsonOption = new("--json") { Description = "Print the report as JSON instead of Markdown." };

    public TestPlanCommand()
        : base("test-plan", "Run the six test cases (replication, idempotency, short-lived credentials, version propagation, latency, recovery) against the local cloud or a deployment.")
    {
        Options.Add(TargetOption);
        Options.Add(FreshOption);
        Options.Add(EnvironmentFileOption);
        Options.Add(KeyVaultUriOption);
        Options.Add(AwsRegionOption);
        Options.Add(AwsProfileOption);
        Options.Add(TargetPrefixOption);
        Options.Add(RedeliverUrlOption);
        Options.Add(RedeliverKeyInQueryOption);
        Options.Add(SecretsOption);
        Options.Add(MaxVersionsOption);
        Options.Add(UpdatesOption);
        Options.Add(SeedOption);
        Options.Add(TimeoutOption);
        Options.Add(LagBudgetOption);
        Options.Add(CasesOption);
        Options.Add(KeepOption);
        Options.Add(JsonOption);
        Validators.Add(result =>
        {
            if (EffectiveTarget(result) == "azure" && result.GetValue(KeyVaultUriOption) is null)
            {
                result.AddError("--target azure needs --key-vault-uri.");
            }

            if (result.GetValue(RedeliverKeyInQueryOption) && result.GetValue(RedeliverUrlOption) is null)
            {
                result.AddError("--redeliver-key-in-query needs --redeliver-url.");
            }

            if (result.GetValue(CasesOption) is { } cases && cases.Any(c => c is < 1 or > 6))
            {
                result.AddError("--cases takes case numbers 1 to 6.");
            }
        });
        SetAction(ExecuteAsync);
    }

    /// <summary>--target, or azure when a vault URI is given, else local.</summary>
    internal static string EffectiveTarget(System.CommandLine.Parsing.CommandResult result) =>
        result.GetValue(TargetOption) ?? (result.GetValue(KeyVaultUriOption) is null ? "local" : "azure");

    internal static TestPlanOptions ReadOptions(ParseResult parseResult) => new()
    {
        Replication = new ReplicationScenarioOptions
        {
            Secrets = parseResult.GetValue(SecretsOption),
            MaxVersions = parseResult.GetValue(MaxVersionsOption),
            Seed = parseResult.GetValue(SeedOption),
            Timeout = TimeSpan.FromSeconds(Math.Max(1, parseResult.GetValue(TimeoutOption))),
            NamePrefix = "kvrep-tp",
        },
        Updates = parseResult.GetValue(UpdatesOption),
        LagBudget = TimeSpan.FromSeconds(Math.Max(1, parseResult.GetValue(LagBudgetOption))),
        Keep = parseResult.GetValue(KeepOption),
    };

    private static Option<string?> CreateTargetOption()
    {
        var option = new Option<string?>("--target") { Description = "local (default; a running kvrep-dev localcloud, else an in-process local cloud) or azure (a real deployment)." };
        option.AcceptOnlyFromAmong("local", "azure");
        return option;
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        TestPlanOptions options = ReadOptions(parseResult);
        try
        {
            options.Validate();
        }
        catch (System.ComponentModel.DataAnnotations.ValidationException ex)
        {
            await error.WriteLineAsync($"kvrep-dev test-plan: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }

        using var signal = new TerminationSignal(cancellationToken);
        LocalDeployment? deployment = null;
        try
        {
            TestPlanTarget target;
            if (EffectiveTarget(parseResult.CommandResult) == "azure")
            {
                string? region = parseResult.GetValue(AwsRegionOption) ?? Environment.GetEnvironmentVariable("AWS_REGION");
                if (string.IsNullOrWhiteSpace(region))
                {
                    await error.WriteLineAsync("kvrep-dev test-plan: --aws-region (or AWS_REGION) is required for --target azure.").ConfigureAwait(false);
                    return ExitCodes.InvalidConfiguration;
                }

                if (!Uri.TryCreate(parseResult.GetValue(KeyVaultUriOption), UriKind.Absolute, out Uri? vaultUri) || vaultUri.Scheme != Uri.UriSchemeHttps)
                {
                    await error.WriteLineAsync("kvrep-dev test-plan: --key-vault-uri must be an https URI, e.g. https://my-vault.vault.azure.net/.").ConfigureAwait(false);
                    return ExitCodes.InvalidConfiguration;
                }

                Uri? redeliverUrl = null;
                if (parseResult.GetValue(RedeliverUrlOption) is { } redeliver &&
                    (!Uri.TryCreate(redeliver, UriKind.Absolute, out redeliverUrl) || redeliverUrl.Scheme != Uri.UriSchemeHttps))
                {
                    await error.WriteLineAsync("kvrep-dev test-plan: --redeliver-url must be an https URL, e.g. https://my-host/api/events.").ConfigureAwait(false);
                    return ExitCodes.InvalidConfiguration;
                }

                target = TestPlanTargets.ForDeployment(vaultUri, region, parseResult.GetValue(AwsProfileOption), parseResult.GetValue(TargetPrefixOption) ?? string.Empty);
                if (redeliverUrl is not null)
                {
                    target = TestPlanTargets.WithRedeliverer(target, redeliverUrl, Environment.GetEnvironmentVariable(TestPlanTargets.RedeliverKeyVariable), parseResult.GetValue(RedeliverKeyInQueryOption));
                    await error.WriteLineAsync($"kvrep-dev test-plan: case 2 re-delivers to {target.Redeliverer!.Description}.").ConfigureAwait(false);
                }
            }
            else
            {
                string path = parseResult.GetValue(EnvironmentFileOption)?.FullName ?? LocalCloudEnvironmentFile.DefaultPath;
                LocalCloudEnvironmentFile? running = parseResult.GetValue(FreshOption) ? null : await LocalCloudEnvironmentFile.TryReadAsync(path, signal.Token).ConfigureAwait(false);
                if (running is not null)
                {
                    await error.WriteLineAsync($"kvrep-dev test-plan: using the running local cloud described in {path}; cases 2, 3 and 6 need an in-process one (--fresh).").ConfigureAwait(false);
                    target = TestPlanTargets.ForRunningLocalCloud(running, path);
                }
                else
                {
                    await error.WriteLineAsync("kvrep-dev test-plan: no running kvrep-dev localcloud; starting an in-process local cloud with kvrep serve...").ConfigureAwait(false);
                    deployment = await LocalDeployment.StartAsync(new LocalDeploymentOptions { InjectFaults = true, TargetPrefix = "kvrep-tp/", Seed = options.Replication.Seed }, signal.Token).ConfigureAwait(false);
                    target = deployment.CreateTarget();
                }
            }

            var runner = new TestPlanRunner(new TestPlanContext(target, options), error);
            TestPlanReport report = await runner.RunAsync(parseResult.GetValue(CasesOption), signal.Token).ConfigureAwait(false);
            await output.WriteLineAsync(parseResult.GetValue(JsonOption)
                ? JsonSerializer.Serialize(report, ReportJson.Options)
                : TestPlanMarkdown.Render(report)).ConfigureAwait(false);
            return report.Succeeded ? ExitCodes.Success : DevExitCodes.VerificationFailed;
        }
        catch (EmulatorNotFoundException ex)
        {
            await error.WriteLineAsync($"kvrep-dev test-plan: {ex.Message}").ConfigureAwait(false);
            return DevExitCodes.PrerequisiteMissing;
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync($"kvrep-dev test-plan: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Store exceptions are sanitised; anything else is named by type, since SDK messages may quote responses.
            await error.WriteLineAsync($"kvrep-dev test-plan: failed: {TestPlanRunner.Describe(ex)}").ConfigureAwait(false);
            return ExitCodes.UnexpectedError;
        }
        catch (OperationCanceledException) when (signal.Token.IsCancellationRequested)
        {
            await error.WriteLineAsync("kvrep-dev test-plan: stopped.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        finally
        {
            if (deployment is not null)
            {
                await deployment.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
