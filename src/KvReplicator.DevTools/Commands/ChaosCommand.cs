using System.CommandLine;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using KvReplicator.Cli;
using KvReplicator.Cli.Output;
using KvReplicator.DevTools.Chaos;
using KvReplicator.DevTools.Local;
using KvReplicator.LocalCloud.Emulators;

namespace KvReplicator.DevTools.Commands;

/// <summary>
/// <c>kvrep-dev chaos</c>: replicates thousands of versions over the local cloud while faults are injected at
/// every edge, then checks that nothing was lost, duplicated or left half-done. Figures on stdout.
/// </summary>
internal sealed class ChaosCommand : Command
{
    internal static readonly Option<int> VersionsOption = new("--versions")
    {
        Description = "Key Vault versions to create in total (default 200; 5000 for a long run).",
        DefaultValueFactory = _ => new ChaosOptions().Versions,
    };

    internal static readonly Option<int> SecretsOption = new("--secrets")
    {
        Description = "Secrets to spread the versions over (default 10).",
        DefaultValueFactory = _ => new ChaosOptions().Secrets,
    };

    internal static readonly Option<int> SeedOption = new("--seed")
    {
        Description = "Seed of the scenario, the delivery order and the fault draws (default 1).",
        DefaultValueFactory = _ => new ChaosOptions().Seed,
    };

    internal static readonly Option<double> FaultRateOption = new("--fault-rate")
    {
        Description = "Chance that any one HTTP call or credential refresh fails (default 0.05).",
        DefaultValueFactory = _ => new ChaosOptions().FaultRate,
    };

    internal static readonly Option<double> CrashRateOption = new("--crash-rate")
    {
        Description = "Chance that a delivery's handler crashes between two of its steps (default 0.1).",
        DefaultValueFactory = _ => new ChaosOptions().CrashRate,
    };

    internal static readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Print the report as JSON instead of text.",
    };

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public ChaosCommand()
        : base("chaos", "Replicate many versions over the local cloud under injected faults, crashes and Event Grid retries; check that none is lost or written twice.")
    {
        Options.Add(VersionsOption);
        Options.Add(SecretsOption);
        Options.Add(SeedOption);
        Options.Add(FaultRateOption);
        Options.Add(CrashRateOption);
        Options.Add(JsonOption);
        SetAction(ExecuteAsync);
    }

    private static async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        var options = new ChaosOptions
        {
            Versions = parseResult.GetValue(VersionsOption),
            Secrets = parseResult.GetValue(SecretsOption),
            Seed = parseResult.GetValue(SeedOption),
            FaultRate = parseResult.GetValue(FaultRateOption),
            CrashRate = parseResult.GetValue(CrashRateOption),
        };

        var problems = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), problems, validateAllProperties: true))
        {
            foreach (ValidationResult problem in problems)
            {
                await error.WriteLineAsync($"kvrep-dev chaos: {problem.ErrorMessage}").ConfigureAwait(false);
            }

            return ExitCodes.InvalidConfiguration;
        }

        try
        {
            await error.WriteLineAsync("kvrep-dev chaos: starting moto, Azurite, the local Key Vault and Event Grid…").ConfigureAwait(false);
            await using LocalCloudEnvironment cloud = await LocalCloudEnvironment.StartAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            ChaosReport report = await ChaosRun.RunAsync(options, cloud, error, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(JsonOption))
            {
                await output.WriteAsync(JsonSerializer.Serialize(report, s_json) + "\n").ConfigureAwait(false);
            }
            else
            {
                report.Write(new ReportWriter(output));
            }

            return report.Passed ? ExitCodes.Success : DevExitCodes.VerificationFailed;
        }
        catch (EmulatorNotFoundException ex)
        {
            await error.WriteLineAsync($"kvrep-dev chaos: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
    }
}
