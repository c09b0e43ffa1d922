using System.CommandLine;
using Azure.Core;
using Azure.Identity;
using Azure.Storage.Blobs;
using KvReplicator.Cli.Configuration;
using KvReplicator.Cli.Invocation;
using KvReplicator.Cli.Output;
using KvReplicator.DeadLettering;
using KvReplicator.DependencyInjection;
using KvReplicator.Events;
using KvReplicator.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.Cli.Commands;

/// <summary>
/// <c>kvrep replay</c>: re-drives the events Event Grid dead-lettered, from its dead-letter container or a
/// folder, through the same pipeline as a delivery. Safe to run any time and repeatedly: versions already
/// replicated cost one ledger read each.
/// </summary>
internal sealed class ReplayCommand : Command
{
    internal static readonly Option<DirectoryInfo> FolderOption = new("--folder")
    {
        Description = "A folder of dead-letter .json files (searched recursively; replayed/ is skipped).",
    };

    internal static readonly Option<string> ContainerOption = new("--container")
    {
        Description = "The dead-letter blob container of the Event Grid subscription.",
    };

    internal static readonly Option<string> ConnectionStringOption = new("--connection-string")
    {
        Description = "A storage connection string for --container (Azurite, local runs). Prefer --service-uri.",
    };

    internal static readonly Option<Uri> ServiceUriOption = new("--service-uri")
    {
        Description = "The Blob service endpoint for --container, e.g. https://account.blob.core.windows.net; signs in with the credential KvReplicator:AzureCredential:Source chooses (DefaultAzureCredential by default).",
    };

    internal static readonly Option<FileInfo> ConfigOption = CommandConfiguration.CreateConfigOption();

    internal static readonly Option<bool> DeleteOption = new("--delete")
    {
        Description = "Delete replayed dead letters instead of moving them under replayed/.",
    };

    internal static readonly Option<bool> DryRunOption = new("--dry-run")
    {
        Description = "List the dead-lettered events; replicate, move and delete nothing.",
    };

    internal static readonly Option<bool> JsonOption = new("--json")
    {
        Description = "Write the report as JSON instead of a table.",
    };

    private readonly Action<IServiceCollection, IConfiguration>? _configureServices;

    /// <param name="configureServices">Registers the replicator instead of AddKvReplicator; tests point it at the local cloud.</param>
    public ReplayCommand(Action<IServiceCollection, IConfiguration>? configureServices = null)
        : base("replay", "Re-drive dead-lettered Event Grid events (from the dead-letter container or a folder) through the replicator, idempotently.")
    {
        _configureServices = configureServices;
        Options.Add(FolderOption);
        Options.Add(ContainerOption);
        Options.Add(ConnectionStringOption);
        Options.Add(ServiceUriOption);
        Options.Add(ConfigOption);
        Options.Add(DeleteOption);
        Options.Add(DryRunOption);
        Options.Add(JsonOption);
        Validators.Add(result =>
        {
            bool folder = result.GetResult(FolderOption) is not null;
            bool container = result.GetResult(ContainerOption) is not null;
            bool connectionString = result.GetResult(ConnectionStringOption) is not null;
            bool serviceUri = result.GetResult(ServiceUriOption) is not null;
            if (folder == container)
            {
                result.AddError("Give the dead letters' location: either --folder or --container.");
            }
            else if (container && connectionString == serviceUri)
            {
                result.AddError("--container needs either --connection-string or --service-uri.");
            }
            else if (folder && (connectionString || serviceUri))
            {
                result.AddError("--connection-string and --service-uri go with --container, not --folder.");
            }

            if (result.GetValue(DeleteOption) && result.GetValue(DryRunOption))
            {
                result.AddError("--delete and --dry-run cannot be combined.");
            }
        });
        SetAction(ExecuteAsync);
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        bool json = parseResult.GetValue(JsonOption);
        if (parseResult.GetValue(DryRunOption))
        {
            // A dry run only reads the dead letters: it needs no replicator configuration.
            return await RunAsync(parseResult, store => DeadLetterReplayer.PlanAsync(store, cancellationToken), output, error, json, credential: null, cancellationToken).ConfigureAwait(false);
        }

        FileInfo? config = parseResult.GetValue(ConfigOption);
        if (await CommandConfiguration.ReportMissingFileAsync(config, error, "replay").ConfigureAwait(false))
        {
            return ExitCodes.InvalidConfiguration;
        }

        ServiceProvider services;
        try
        {
            services = await CommandConfiguration.StartAsync(CommandConfiguration.Build(config), KvReplicatorRole.Replicate, _configureServices, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (CommandFailure.From(ex, cancellationToken) is { } failure)
        {
            await failure.WriteAsync(error, "replay").ConfigureAwait(false);
            return failure.ExitCode;
        }

        await using (services.ConfigureAwait(false))
        {
            var replayer = new DeadLetterReplayer(services.GetRequiredService<KeyVaultEventProcessor>(), services.GetRequiredService<ILogger<DeadLetterReplayer>>());
            bool delete = parseResult.GetValue(DeleteOption);
            return await RunAsync(
                parseResult, store => replayer.ReplayAsync(store, delete, cancellationToken), output, error, json, services.GetService<TokenCredential>(), cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<int> RunAsync(
        ParseResult parseResult, Func<IDeadLetterStore, Task<ReplayReport>> run, TextWriter output, TextWriter error, bool json, TokenCredential? credential, CancellationToken cancellationToken)
    {
        try
        {
            ReplayReport report = await run(CreateStore(parseResult, credential)).ConfigureAwait(false);
            if (json)
            {
                await ReportJson.WriteAsync(report, output).ConfigureAwait(false);
            }
            else
            {
                WriteTable(output, report);
            }

            return report.Succeeded ? ExitCodes.Success : ExitCodes.EventsStillFailing;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await CommandFailure.Cancelled.WriteAsync(error, "replay").ConfigureAwait(false);
            return ExitCodes.Cancelled;
        }
        catch (Exception ex) when (ListingFailure(ex) is { } failure)
        {
            // Listing the dead letters failed as a whole (missing folder or container, no access, no answer).
            await error.WriteLineAsync($"kvrep replay: cannot list the dead letters: {failure.Detail}").ConfigureAwait(false);
            return failure.ExitCode;
        }
    }

    /// <summary>Status and error code of a storage failure (its message quotes the response); the folder's own message otherwise.</summary>
    private static (string Detail, int ExitCode)? ListingFailure(Exception exception) => exception switch
    {
        AggregateException { InnerExceptions.Count: > 0 } aggregate => ListingFailure(aggregate.InnerExceptions[^1]),
        DirectoryNotFoundException or FormatException => (exception.Message, ExitCodes.InvalidConfiguration),
        Azure.RequestFailedException { Status: 0 } => ("no answer from Blob Storage", ExitCodes.StoreUnavailable),
        Azure.RequestFailedException failed => ($"{failed.ErrorCode ?? "error"} (HTTP {failed.Status})",
            failed.Status is 408 or 429 or >= 500 ? ExitCodes.StoreUnavailable : ExitCodes.StoreRefused),
        AuthenticationFailedException => ($"no token for Blob Storage ({exception.GetType().Name})", ExitCodes.StoreRefused),
        _ => null,
    };

    /// <param name="credential">The Azure credential the settings chose (KvReplicator:AzureCredential), for --service-uri; DefaultAzureCredential without one.</param>
    private static IDeadLetterStore CreateStore(ParseResult parseResult, TokenCredential? credential)
    {
        if (parseResult.GetValue(FolderOption) is { } folder)
        {
            return new FolderDeadLetterStore(folder.FullName);
        }

        string container = parseResult.GetValue(ContainerOption)!;
        return parseResult.GetValue(ConnectionStringOption) is { } connectionString
            ? new BlobDeadLetterStore(new BlobContainerClient(connectionString, container))
            : new BlobDeadLetterStore(new BlobServiceClient(parseResult.GetValue(ServiceUriOption)!, credential ?? new DefaultAzureCredential()).GetBlobContainerClient(container));
    }

    private static void WriteTable(TextWriter output, ReplayReport report)
    {
        var table = new ReportTable().AddColumns("Dead letter", "Status", "Secret", "Version", "Outcome", "Detail");
        foreach (DeadLetterReplayResult deadLetter in report.DeadLetters)
        {
            if (deadLetter.Events.Count == 0)
            {
                table.AddRow(deadLetter.Name, deadLetter.Status.ToString(), "", "", "", deadLetter.Detail);
            }

            for (int i = 0; i < deadLetter.Events.Count; i++)
            {
                ReplayedEvent replayed = deadLetter.Events[i];
                table.AddRow(
                    i == 0 ? deadLetter.Name : "",
                    i == 0 ? deadLetter.Status.ToString() : "",
                    replayed.SecretName,
                    replayed.Version,
                    replayed.Outcome?.ToString() ?? (report.DryRun ? "(dry run)" : ""),
                    replayed.Detail ?? (i == 0 ? deadLetter.Detail : null) ?? replayed.DeadLetterReason);
            }
        }

        var writer = new ReportWriter(output);
        writer.WriteLine($"Dead letters at {report.Location}{(report.DryRun ? " (dry run: nothing replicated or moved)" : "")}");
        writer.Write(table);
        writer.WriteLine(Summary(report));
    }

    /// <summary>Files first, then the events in them: a file holds one or more events, and the two counts mean different things.</summary>
    internal static string Summary(ReplayReport report)
    {
        string files = $"{report.DeadLetters.Count} file(s): ";
        files += report.DryRun
            ? $"{report.DeadLetters.Count(d => d.Status == DeadLetterReplayStatus.Planned)} dead letter(s) to replay, {report.FailedCount} unreadable, {report.UnreadableCount} not a dead letter"
            : $"{report.ReplayedCount} replayed, {report.FailedCount} failed (left in place), {report.UnreadableCount} not a dead letter";
        string events = $"{report.EventCount} event(s)";
        if (!report.DryRun)
        {
            IEnumerable<ReplayedEvent> all = report.DeadLetters.SelectMany(d => d.Events);
            events += $": {all.Count(e => e.Outcome == ReplicationOutcomeKind.Replicated)} replicated, "
                + $"{all.Count(e => e.Outcome == ReplicationOutcomeKind.AlreadyDone)} already done, "
                + $"{all.Count(e => e.Outcome == ReplicationOutcomeKind.Skipped)} skipped, {report.FailingEventCount} still failing";
        }

        return $"{files}. {events}.";
    }
}
