using System.CommandLine;
using System.Text.Json.Nodes;
using KvReplicator.Cli;
using KvReplicator.Cli.Output;
using KvReplicator.DevTools.Demo;
using KvReplicator.Cli.Invocation;
using KvReplicator.DevTools.Hosting;
using KvReplicator.DevTools.Local;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.TestPlan.Cases;
using KvReplicator.TestPlan.Replication;
using KvReplicator.TestPlan.Targets;
using Spectre.Console;

namespace KvReplicator.DevTools.Commands;

/// <summary>
/// <c>kvrep-dev demo</c>: the whole flow on this machine with no cloud account. Starts moto, Azurite, the local Key
/// Vault and Event Grid and <c>kvrep serve</c>, then runs test case 1 (the same <see cref="ReplicationScenario"/>)
/// and reports what reached Secrets Manager. Exits non-zero when anything is lost or wrong.
/// </summary>
internal sealed class DemoCommand : Command
{
    internal static readonly Option<int> SecretsOption = new("--secrets") { Description = "Secrets to create.", DefaultValueFactory = _ => 20 };

    internal static readonly Option<int> MaxVersionsOption = new("--max-versions") { Description = "Each secret gets 1 to this many versions.", DefaultValueFactory = _ => 5 };

    internal static readonly Option<int?> SeedOption = new("--seed") { Description = "Seed for names' values, lengths, formats and version counts (printed in the report, to repeat a run)." };

    internal static readonly Option<string> SchemaOption = CreateSchemaOption();

    internal static readonly Option<double> DuplicatesOption = new("--duplicates") { Description = "Probability (0-1) that Event Grid delivers an event twice.", DefaultValueFactory = _ => 0.0 };

    internal static readonly Option<int> ShuffleOption = new("--shuffle") { Description = "Event Grid holds up to this many events and delivers them in random order (0: off).", DefaultValueFactory = _ => 0 };

    internal static readonly Option<int> TimeoutOption = new("--timeout") { Description = "Seconds to wait for every version to reach Secrets Manager.", DefaultValueFactory = _ => 120 };

    internal static readonly Option<bool> JsonOption = new("--json") { Description = "Print one JSON object instead of tables (no progress bar)." };

    internal static readonly Option<bool> KeepRunningOption = new("--keep-running") { Description = "After the report, keep everything running until Ctrl-C and write the local cloud's environment file for the test plan." };

    public DemoCommand()
        : base("demo", "Run the replicator end to end on this machine (moto, Azurite, local Key Vault and Event Grid, kvrep serve) and verify every version.")
    {
        Options.Add(SecretsOption);
        Options.Add(MaxVersionsOption);
        Options.Add(SeedOption);
        Options.Add(SchemaOption);
        Options.Add(DuplicatesOption);
        Options.Add(ShuffleOption);
        Options.Add(TimeoutOption);
        Options.Add(JsonOption);
        Options.Add(KeepRunningOption);
        SetAction(ExecuteAsync);
    }

    internal static Option<string> CreateSchemaOption()
    {
        var option = new Option<string>("--schema") { Description = "Event delivery schema: eventgrid or cloudevents.", DefaultValueFactory = _ => "eventgrid" };
        option.AcceptOnlyFromAmong("eventgrid", "cloudevents");
        return option;
    }

    internal static EventDeliverySchema ParseSchema(string schema) =>
        string.Equals(schema, "cloudevents", StringComparison.OrdinalIgnoreCase) ? EventDeliverySchema.CloudEventSchemaV1_0 : EventDeliverySchema.EventGridSchema;

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        bool json = parseResult.GetValue(JsonOption);
        string schema = parseResult.GetValue(SchemaOption)!;
        var scenario = new ReplicationScenarioOptions
        {
            Secrets = parseResult.GetValue(SecretsOption),
            MaxVersions = parseResult.GetValue(MaxVersionsOption),
            Seed = parseResult.GetValue(SeedOption),
            Timeout = TimeSpan.FromSeconds(parseResult.GetValue(TimeoutOption)),
        };
        try
        {
            // Checked here rather than in a parse validator, which sees options without their defaults.
            if (parseResult.GetValue(DuplicatesOption) is < 0 or > 1)
            {
                throw new System.ComponentModel.DataAnnotations.ValidationException("--duplicates must be between 0 and 1.");
            }

            if (parseResult.GetValue(ShuffleOption) is < 0 or > 10_000)
            {
                throw new System.ComponentModel.DataAnnotations.ValidationException("--shuffle must be between 0 and 10000.");
            }

            if (parseResult.GetValue(TimeoutOption) < 1)
            {
                throw new System.ComponentModel.DataAnnotations.ValidationException("--timeout must be at least 1 second.");
            }

            scenario.Validate();
        }
        catch (System.ComponentModel.DataAnnotations.ValidationException ex)
        {
            await error.WriteLineAsync($"kvrep-dev demo: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }

        using var signal = new TerminationSignal(cancellationToken);
        CancellationToken token = signal.Token;
        try
        {
            await error.WriteLineAsync("kvrep-dev demo: starting moto, Azurite, the local Key Vault and Event Grid, and kvrep serve...").ConfigureAwait(false);
            await using LocalDeployment deployment = await LocalDeployment.StartAsync(
                new LocalDeploymentOptions
                {
                    Schema = ParseSchema(schema),
                    DuplicateRate = parseResult.GetValue(DuplicatesOption),
                    ShuffleWindow = parseResult.GetValue(ShuffleOption),
                    Seed = scenario.Seed,
                },
                token).ConfigureAwait(false);
            await error.WriteLineAsync(
                $"kvrep-dev demo: serve at {deployment.ServeUrl} subscribed to Event Grid ({schema} schema, delivery key in a header); Key Vault at {deployment.Cloud.KeyVault.VaultUri}; " +
                $"Secrets Manager (moto) at {deployment.Cloud.Moto.Endpoint}").ConfigureAwait(false);
            await error.WriteLineAsync($"kvrep-dev demo: writing {scenario.Secrets} secrets with up to {scenario.MaxVersions} versions each...").ConfigureAwait(false);

            TestPlanTarget target = deployment.CreateTarget();
            ReplicationReport report = await RunWithProgressAsync(new ReplicationScenario(target), scenario, error, json, token).ConfigureAwait(false);
            DeliveryTally deliveries = Tally(deployment.Cloud.EventGrid.Counters);

            if (json)
            {
                JsonObject document = DemoReport.ToJson(report, deliveries, schema);
                await output.WriteLineAsync(document.ToJsonString(KvReplicator.TestPlan.Reporting.ReportJson.Options)).ConfigureAwait(false);
            }
            else
            {
                DemoReport.Render(new ReportWriter(output), report, deliveries);
            }

            if (parseResult.GetValue(KeepRunningOption))
            {
                try
                {
                    await LocalCloudCommand.RunUntilStoppedAsync(deployment, LocalCloudEnvironmentFile.DefaultPath, error, token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (token.IsCancellationRequested)
                {
                    // Ctrl-C is how --keep-running ends; the exit code stays the report's.
                }
            }

            return report.Succeeded ? ExitCodes.Success : DevExitCodes.VerificationFailed;
        }
        catch (EmulatorNotFoundException ex)
        {
            await error.WriteLineAsync($"kvrep-dev demo: {ex.Message}").ConfigureAwait(false);
            return DevExitCodes.PrerequisiteMissing;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Store exceptions are sanitised; anything else is named by type, since SDK messages may quote responses.
            await error.WriteLineAsync($"kvrep-dev demo: failed: {TestPlanRunner.Describe(ex)}").ConfigureAwait(false);
            return ExitCodes.UnexpectedError;
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            await error.WriteLineAsync("kvrep-dev demo: stopped; everything it started has been stopped.").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
    }

    internal static DeliveryTally Tally(LocalEventGridCounters counters) =>
        new(counters.Delivered, counters.Retried, counters.DeadLettered, counters.Duplicated);

    private static async Task<ReplicationReport> RunWithProgressAsync(ReplicationScenario scenario, ReplicationScenarioOptions options, TextWriter error, bool json, CancellationToken cancellationToken)
    {
        if (json || !ConsoleStreams.IsInteractiveError(error))
        {
            return await scenario.RunAsync(options, cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        ReplicationReport? report = null;
        await ConsoleStreams.ForTerminal(error).Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                ProgressTask task = context.AddTask("Replicating", maxValue: 1);
                var progress = new DirectProgress<ReplicationProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Planned);
                    task.Value = p.Seen;
                    task.Description = $"Replicated {p.Seen}/{p.Planned} versions (written {p.Written})";
                });
                report = await scenario.RunAsync(options, progress, cancellationToken).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return report!;
    }
}
