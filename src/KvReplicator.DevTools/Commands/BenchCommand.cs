using System.CommandLine;
using System.Text.Json;
using KvReplicator.Cli;
using KvReplicator.Cli.Output;
using KvReplicator.DevTools.Bench;
using KvReplicator.DevTools.Local;
using KvReplicator.Events;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.LocalCloud.EventGrid;

namespace KvReplicator.DevTools.Commands;

/// <summary>
/// <c>kvrep-dev bench</c>: replicates a workload through the real pipeline on moto, Azurite and the local Key
/// Vault, and prints throughput, latency and remote calls per version. It measures; it asserts no time.
/// </summary>
internal sealed class BenchCommand : Command
{
    internal static readonly Option<int> SecretsOption = new("--secrets") { Description = "Secrets to create in the local Key Vault.", DefaultValueFactory = _ => 200 };

    internal static readonly Option<int> VersionsOption = new("--versions") { Description = "Versions per secret (1 creates the AWS secret; 2.. are the steady-state rotation).", DefaultValueFactory = _ => 5 };

    internal static readonly Option<int> ConcurrencyOption = new("--concurrency") { Description = "Deliveries handled at once.", DefaultValueFactory = _ => 16 };

    internal static readonly Option<double> DuplicateRateOption = new("--duplicate-rate") { Description = "Share of steady-state events delivered twice, 0..1.", DefaultValueFactory = _ => 0.1 };

    internal static readonly Option<bool> ShuffleOption = new("--shuffle") { Description = "Deliver in random order (true) or in creation order (false).", DefaultValueFactory = _ => true };

    internal static readonly Option<int> SeedOption = new("--seed") { Description = "Seed of the shuffle and of the duplicates.", DefaultValueFactory = _ => 1 };

    internal static readonly Option<string> SchemaOption = new("--schema") { Description = "Event schema on the wire.", DefaultValueFactory = _ => "eventgrid" };

    internal static readonly Option<bool> RotationRoundsOption = new("--rotation-rounds")
    {
        Description = "Deliver the steady state one rotation round at a time (each event names the latest version) instead of one burst of every version.",
    };

    internal static readonly Option<string> DeliveryOption = new("--delivery")
    {
        Description = "direct: into KeyVaultEventProcessor.ProcessAsync (the handler alone); http: POST to an in-process kvrep serve (handler + HTTP hop + webhook).",
        DefaultValueFactory = _ => "direct",
    };

    internal static readonly Option<int> RetryDelayOption = new("--retry-delay-ms") { Description = "Pause before redelivering an event answered 'retry later'.", DefaultValueFactory = _ => 200 };

    internal static readonly Option<string[]> SettingOption = new("--setting")
    {
        Description = "A replicator setting for the run, KEY=VALUE, repeatable, e.g. KvReplicator:SecretsManager:OwnershipCacheDuration=00:00:00.",
        AllowMultipleArgumentsPerToken = false,
    };

    internal static readonly Option<bool> JsonOption = new("--json") { Description = "Write the report as JSON on stdout instead of the table." };

    internal static readonly Option<bool> ProfileOption = new("--profile") { Description = "Add CPU time, allocations, GC collections, lock contentions and thread-pool size per phase." };

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly Func<CancellationToken, Task<LocalCloudEnvironment>> _startCloud;

    /// <param name="startCloud">Starts the local cloud; tests pass one that reuses their shared emulators.</param>
    public BenchCommand(Func<CancellationToken, Task<LocalCloudEnvironment>>? startCloud = null)
        : base("bench", "Measure throughput, latency and remote calls per replicated version on the local cloud (moto, Azurite, local Key Vault).")
    {
        _startCloud = startCloud ?? (ct => LocalCloudEnvironment.StartAsync(cancellationToken: ct));
        SchemaOption.AcceptOnlyFromAmong("eventgrid", "cloudevents");
        DeliveryOption.AcceptOnlyFromAmong("direct", "http");
        Options.Add(SecretsOption);
        Options.Add(VersionsOption);
        Options.Add(ConcurrencyOption);
        Options.Add(DuplicateRateOption);
        Options.Add(ShuffleOption);
        Options.Add(SeedOption);
        Options.Add(SchemaOption);
        Options.Add(DeliveryOption);
        Options.Add(RotationRoundsOption);
        Options.Add(RetryDelayOption);
        Options.Add(SettingOption);
        Options.Add(JsonOption);
        Options.Add(ProfileOption);
        SetAction(ExecuteAsync);
    }

    internal static BenchOptions ReadOptions(ParseResult parseResult) => new()
    {
        Secrets = parseResult.GetValue(SecretsOption),
        Versions = parseResult.GetValue(VersionsOption),
        Concurrency = parseResult.GetValue(ConcurrencyOption),
        DuplicateRate = parseResult.GetValue(DuplicateRateOption),
        Shuffle = parseResult.GetValue(ShuffleOption),
        Seed = parseResult.GetValue(SeedOption),
        Schema = parseResult.GetValue(SchemaOption) == "cloudevents" ? EventDeliverySchema.CloudEventSchemaV1_0 : EventDeliverySchema.EventGridSchema,
        RotationRounds = parseResult.GetValue(RotationRoundsOption),
        Delivery = parseResult.GetValue(DeliveryOption) == "http" ? BenchDeliveryMode.Http : BenchDeliveryMode.Direct,
        RetryDelay = TimeSpan.FromMilliseconds(parseResult.GetValue(RetryDelayOption)),
        Profile = parseResult.GetValue(ProfileOption),
        Settings = ParseSettings(parseResult.GetValue(SettingOption) ?? []),
    };

    private static Dictionary<string, string?> ParseSettings(string[] settings)
    {
        var parsed = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (string setting in settings)
        {
            int equals = setting.IndexOf('=', StringComparison.Ordinal);
            parsed[equals < 0 ? setting : setting[..equals]] = equals < 0 ? null : setting[(equals + 1)..];
        }

        return parsed;
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        BenchOptions options = ReadOptions(parseResult);
        IReadOnlyList<string> problems = options.Validate();
        if (problems.Count > 0)
        {
            foreach (string problem in problems)
            {
                await error.WriteLineAsync($"kvrep-dev bench: {problem}").ConfigureAwait(false);
            }

            return ExitCodes.InvalidConfiguration;
        }

        try
        {
            await error.WriteLineAsync("kvrep-dev bench: starting moto, Azurite and the local Key Vault…").ConfigureAwait(false);
            await using LocalCloudEnvironment cloud = await _startCloud(cancellationToken).ConfigureAwait(false);
            BenchReport report = await new BenchRunner(cloud, options, error).RunAsync(cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(JsonOption))
            {
                await output.WriteAsync(JsonSerializer.Serialize(report, s_json) + Environment.NewLine).ConfigureAwait(false);
            }
            else
            {
                BenchTableWriter.Write(new ReportWriter(output), report);
            }

            if (!report.Verification.IsConsistent)
            {
                await error.WriteLineAsync("kvrep-dev bench: what reached Secrets Manager does not match what was written to Key Vault; see the last lines of the report.").ConfigureAwait(false);
                return DevExitCodes.BenchInconsistent;
            }

            return ExitCodes.Success;
        }
        catch (EmulatorNotFoundException ex)
        {
            await error.WriteLineAsync($"kvrep-dev bench: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
    }
}
