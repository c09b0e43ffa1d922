using System.CommandLine;
using KvReplicator.Cli;
using KvReplicator.Cli.Invocation;
using KvReplicator.DevTools.Local;
using KvReplicator.LocalCloud.Emulators;

namespace KvReplicator.DevTools.Commands;

/// <summary>
/// <c>kvrep-dev localcloud</c>: the local cloud and <c>kvrep serve</c>, subscribed to its Event Grid, running until
/// Ctrl-C. Prints the endpoints and writes an environment file (0600, deleted on exit) where
/// <c>kvrep-dev test-plan --target local</c> finds them. The delivery key lives in this process's memory only.
/// </summary>
internal sealed class LocalCloudCommand : Command
{
    internal static readonly Option<string> SchemaOption = DemoCommand.CreateSchemaOption();

    internal static readonly Option<double> DuplicatesOption = new("--duplicates") { Description = "Probability (0-1) that Event Grid delivers an event twice.", DefaultValueFactory = _ => 0.0 };

    internal static readonly Option<int> ShuffleOption = new("--shuffle") { Description = "Event Grid holds up to this many events and delivers them in random order (0: off).", DefaultValueFactory = _ => 0 };

    internal static readonly Option<FileInfo> EnvironmentFileOption = new("--environment-file")
    {
        Description = $"Where to write the endpoints (default: ${LocalCloudEnvironmentFile.PathVariable}, else $XDG_RUNTIME_DIR/kvrep/localcloud.json, else ~/.kvrep/localcloud.json).",
    };

    internal static readonly Option<string> TargetPrefixOption = new("--target-prefix") { Description = "Prefix of the Secrets Manager names the replicator writes.", DefaultValueFactory = _ => string.Empty };

    public LocalCloudCommand()
        : base("localcloud", "Run moto, Azurite, the local Key Vault and Event Grid and kvrep serve until Ctrl-C, and write their endpoints for the test plan.")
    {
        Options.Add(SchemaOption);
        Options.Add(DuplicatesOption);
        Options.Add(ShuffleOption);
        Options.Add(EnvironmentFileOption);
        Options.Add(TargetPrefixOption);
        SetAction(ExecuteAsync);
    }

    /// <summary>Prints the endpoints, writes the environment file, waits for Ctrl-C, deletes the file.</summary>
    internal static async Task RunUntilStoppedAsync(LocalDeployment deployment, string environmentFile, TextWriter error, CancellationToken cancellationToken)
    {
        LocalCloudEnvironmentFile description = deployment.DescribeForFile();
        await description.WriteAsync(environmentFile, cancellationToken).ConfigureAwait(false);
        try
        {
            await error.WriteLineAsync(
                $"""
                kvrep-dev localcloud: running until Ctrl-C.
                  Key Vault (HTTPS, pin SHA-256 {description.CertificateThumbprintSha256}): {description.VaultUri} (vault '{description.VaultName}')
                  Secrets Manager (moto): {description.MotoEndpoint} (region {description.AwsRegion})
                  Blob Storage (Azurite): {deployment.Cloud.Azurite.BlobEndpoint}
                  kvrep serve: {description.ServeUrl} (subscribed to Event Grid; its delivery key stays in this process)
                  Environment file: {environmentFile}
                  Run the test plan against it: ./scripts/test-plan.sh --target local
                  Point kvrep at it from another shell: kvrep status --config {environmentFile} (also doctor, verify, sync, replay)
                """).ConfigureAwait(false);
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(environmentFile);
        }
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        TextWriter error = parseResult.InvocationConfiguration.Error;
        string environmentFile = parseResult.GetValue(EnvironmentFileOption)?.FullName ?? LocalCloudEnvironmentFile.DefaultPath;
        if (parseResult.GetValue(DuplicatesOption) is < 0 or > 1)
        {
            await error.WriteLineAsync("kvrep-dev localcloud: --duplicates must be between 0 and 1.").ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }

        using var signal = new TerminationSignal(cancellationToken);
        try
        {
            await using LocalDeployment deployment = await LocalDeployment.StartAsync(
                new LocalDeploymentOptions
                {
                    Schema = DemoCommand.ParseSchema(parseResult.GetValue(SchemaOption)!),
                    DuplicateRate = parseResult.GetValue(DuplicatesOption),
                    ShuffleWindow = parseResult.GetValue(ShuffleOption),
                    TargetPrefix = parseResult.GetValue(TargetPrefixOption) ?? string.Empty,
                },
                signal.Token).ConfigureAwait(false);
            await RunUntilStoppedAsync(deployment, environmentFile, error, signal.Token).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (EmulatorNotFoundException ex)
        {
            await error.WriteLineAsync($"kvrep-dev localcloud: {ex.Message}").ConfigureAwait(false);
            return DevExitCodes.PrerequisiteMissing;
        }
        catch (ArgumentException ex)
        {
            await error.WriteLineAsync($"kvrep-dev localcloud: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }
        catch (OperationCanceledException) when (signal.Token.IsCancellationRequested)
        {
            await error.WriteLineAsync("kvrep-dev localcloud: stopped.").ConfigureAwait(false);
            return ExitCodes.Success;
        }
    }
}
