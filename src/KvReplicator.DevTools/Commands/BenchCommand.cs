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

    internal static readonly Option<string[]> PatternOption = CreatePatternOption();

    internal static readonly Option<string[]> KvrepOption = new("--kvrep")
    {
        Description = "With --delivery process: a published kvrep.dll to run as `kvrep serve`, as [LABEL=]PATH; repeatable (e.g. old=… new=…), runs interleaved. "
            + "Default: the kvrep.dll beside kvrep-dev.",
        AllowMultipleArgumentsPerToken = false,
    };

    internal static readonly Option<int> RepeatOption = new("--repeat") { Description = "Runs of each pattern on each replicator, interleaved.", DefaultValueFactory = _ => 1 };

    internal static readonly Option<bool> CountCallsOption = new("--count-calls")
    {
        Description = "With --delivery process: count the child's calls through loopback forwarders (false: no extra hop, for latency and CPU).",
        DefaultValueFactory = _ => true,
    };

    internal static readonly Option<string> ServeLogOption = new("--serve-log")
    {
        Description = "With --delivery process: a directory for each kvrep serve's log (kvrep-serve-<pid>.log: names and versions, never values).",
    };

    internal static readonly Option<int> RetryDelayOption = new("--retry-delay-ms") { Description = "Pause before redelivering an event answered 'retry later'.", DefaultValueFactory = _ => 200 };

    internal static readonly Option<string[]> SettingOption = new("--setting")
    {
        Description = "A replicator setting for the run, KEY=VALUE, repeatable, e.g. KvReplicator:Replication:InFlightWait=00:00:02.",
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

        DeliveryOption.AcceptOnlyFromAmong("direct", "http", "process");
        Options.Add(SecretsOption);
        Options.Add(VersionsOption);
        Options.Add(ConcurrencyOption);
        Options.Add(DuplicateRateOption);
        Options.Add(ShuffleOption);
        Options.Add(SeedOption);
        Options.Add(SchemaOption);
        Options.Add(DeliveryOption);
        Options.Add(RotationRoundsOption);
        Options.Add(PatternOption);
        Options.Add(KvrepOption);
        Options.Add(RepeatOption);
        Options.Add(CountCallsOption);
        Options.Add(ServeLogOption);
        Options.Add(RetryDelayOption);
        Options.Add(SettingOption);
        Options.Add(JsonOption);
        Options.Add(ProfileOption);
        SetAction(ExecuteAsync);
    }

    internal static BenchOptions ReadOptions(ParseResult parseResult)
    {
        BenchDeliveryMode delivery = parseResult.GetValue(DeliveryOption) switch
        {
            "http" => BenchDeliveryMode.Http,
            "process" => BenchDeliveryMode.Process,
            _ => BenchDeliveryMode.Direct,
        };
        return new BenchOptions
        {
        Secrets = parseResult.GetValue(SecretsOption),
        Versions = parseResult.GetValue(VersionsOption),
        Concurrency = parseResult.GetValue(ConcurrencyOption),
        DuplicateRate = parseResult.GetValue(DuplicateRateOption),
        Shuffle = parseResult.GetValue(ShuffleOption),
        Seed = parseResult.GetValue(SeedOption),
        Schema = parseResult.GetValue(SchemaOption) == "cloudevents" ? EventDeliverySchema.CloudEventSchemaV1_0 : EventDeliverySchema.EventGridSchema,
        RotationRounds = parseResult.GetValue(RotationRoundsOption),
        Delivery = delivery,
        RetryDelay = TimeSpan.FromMilliseconds(parseResult.GetValue(RetryDelayOption)),
        Profile = parseResult.GetValue(ProfileOption),
        Settings = ParseSettings(parseResult.GetValue(SettingOption) ?? []),
        Patterns = ParsePatterns(parseResult.GetValue(PatternOption) ?? []),
        Replicators = ParseReplicators(parseResult.GetValue(KvrepOption) ?? [], delivery),
        Repeat = parseResult.GetValue(RepeatOption),
        CountCalls = parseResult.GetValue(CountCallsOption),
        ServeLogDirectory = parseResult.GetValue(ServeLogOption),
        };
    }

    private static Option<string[]> CreatePatternOption()
    {
        var option = new Option<string[]>("--pattern")
        {
            Description = "What to deliver: phases (default: cold, first versions, steady state), as-created, created-first, newest-first, triplicate, shuffled, "
                + "latency, cold-start, or all (the five counting patterns). Repeatable or comma-separated; each pattern but phases runs on a fresh replicator.",
            AllowMultipleArgumentsPerToken = false,
        };
        option.Validators.Add(result =>
        {
            foreach (string name in result.Tokens.SelectMany(token => token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
            {
                if (name != "all" && !BenchPatterns.Names.Values.Contains(name))
                {
                    result.AddError($"--pattern '{name}' is not one of: {string.Join(", ", BenchPatterns.Names.Values)}, all.");
                }
            }
        });
        return option;
    }

    /// <summary>The pattern names of the command line, in order; an unknown name is refused by the option's validator.</summary>
    internal static IReadOnlyList<BenchPattern> ParsePatterns(string[] values)
    {
        string[] names = [.. values.SelectMany(value => value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))];
        if (names.Length == 0)
        {
            return [BenchPattern.Phases];
        }

        var patterns = new List<BenchPattern>();
        foreach (string name in names)
        {
            if (name == "all")
            {
                patterns.AddRange(BenchPatterns.Counting);
            }
            else if (BenchPatterns.Names.FirstOrDefault(pair => pair.Value == name) is { Value: not null } pair)
            {
                patterns.Add(pair.Key);
            }
        }

        return [.. patterns.Distinct()];
    }

    private static IReadOnlyList<BenchReplicator> ParseReplicators(string[] values, BenchDeliveryMode delivery)
    {
        if (values.Length == 0)
        {
            // kvrep-dev references the CLI, so the build beside it is this tree's.
            return delivery == BenchDeliveryMode.Process ? [new BenchReplicator("this build", Path.Combine(AppContext.BaseDirectory, "kvrep.dll"))] : [];
        }

        return [.. values.Select((value, index) =>
        {
            int equals = value.IndexOf('=', StringComparison.Ordinal);
            return equals <= 0
                ? new BenchReplicator(values.Length == 1 ? "kvrep" : $"kvrep{index + 1}", Path.GetFullPath(value))
                : new BenchReplicator(value[..equals], Path.GetFullPath(value[(equals + 1)..]));
        })];
    }

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
