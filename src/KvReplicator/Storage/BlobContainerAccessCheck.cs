using System.Net.Sockets;
using Azure;
using Azure.Identity;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KvReplicator.AzureIdentity;
using KvReplicator.Preflight;

namespace KvReplicator.Storage;

/// <summary>
/// The preflight of a Blob container the replicator writes (the ledger, the dead letters): one page of one blob
/// name, which proves the endpoint, the credential and the list permission. A container that does not exist yet
/// passes: the first write creates it.
/// </summary>
/// <param name="store">The checklist's name for it, e.g. <c>Ledger container</c>.</param>
/// <param name="section">The settings section that configures it, for the line that says what to fix.</param>
/// <param name="connect">Builds the client from the settings (which may throw as invalid options do).</param>
internal sealed class BlobContainerAccessCheck(string store, string section, Func<BlobContainerClient> connect) : IStoreCheck
{
    public string Store => store;

    public string? Requires => null;

    public async Task<StoreCheckResult> CheckAsync(CancellationToken cancellationToken = default)
    {
        BlobContainerClient container;
        try
        {
            container = connect();
        }
        catch (Exception exception) when (exception is FormatException or ArgumentException)
        {
            // The connection string's parser names no part of it in a way worth keeping, and the string holds a key.
            return StoreCheckResult.Failed("-", $"{section}:ConnectionString is not a storage connection string.", PreflightFailure.Settings);
        }

        // The container's address without a query: a SAS connection string puts its signature there.
        string target = container.Uri.GetLeftPart(UriPartial.Path);
        try
        {
            await using IAsyncEnumerator<Page<BlobItem>> pages = container.GetBlobsAsync(cancellationToken: cancellationToken)
                .AsPages(pageSizeHint: 1).GetAsyncEnumerator(cancellationToken);
            await pages.MoveNextAsync().ConfigureAwait(false);
            return StoreCheckResult.Passed(target, "the container answers and its blobs can be listed");
        }
        catch (RequestFailedException exception) when (exception.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            return StoreCheckResult.Passed(target, "the container does not exist yet; the first write creates it (a role that may create containers is needed then)");
        }
        catch (Exception exception) when (Describe(exception) is { } failure)
        {
            return StoreCheckResult.Failed(target, failure.Detail, failure.Kind);
        }
    }

    /// <summary>Status, error code and exception types only: a storage error's message quotes the request.</summary>
    private (string Detail, PreflightFailure Kind)? Describe(Exception exception) => exception switch
    {
        // Azure.Core's retries gave up: the last attempt speaks for them all.
        AggregateException { InnerExceptions.Count: > 0 } aggregate => Describe(aggregate.InnerExceptions[^1]),
        RequestFailedException { Status: 0, InnerException: var transport } => (
            $"no answer from Blob Storage ({Transport(transport)}): check {section}:ServiceUri or ConnectionString and the network.",
            PreflightFailure.Unavailable),
        RequestFailedException { Status: 401 or 403 } failed when failed.ErrorCode is "AuthenticationFailed" or "InvalidAuthenticationInfo" => (
            $"HTTP {failed.Status} ({failed.ErrorCode}): the account key or SAS in {section}:ConnectionString, or the token, is not accepted.",
            PreflightFailure.Refused),
        RequestFailedException { Status: 401 or 403 } failed => (
            $"HTTP {failed.Status} ({failed.ErrorCode ?? "no error code"}): the identity may not list this container's blobs; "
            + "grant it Storage Blob Data Contributor on the container (or a SAS with read, write and list).",
            PreflightFailure.Refused),
        RequestFailedException failed => (
            $"HTTP {failed.Status} ({failed.ErrorCode ?? "no error code"}): check {section}:ServiceUri or ConnectionString.",
            failed.Status >= 500 || failed.Status is 408 or 429 ? PreflightFailure.Unavailable : PreflightFailure.Refused),
        AuthenticationFailedException => (
            $"no token for Blob Storage ({exception.GetType().Name}): check {AzureCredentialOptions.SourceSetting}.", PreflightFailure.Refused),
        _ => null,
    };

    private static string Transport(Exception? exception) => exception switch
    {
        HttpRequestException { InnerException: SocketException socket } => socket.SocketErrorCode.ToString(),
        HttpRequestException http => http.HttpRequestError.ToString(),
        null => "network error",
        _ => exception.GetType().Name,
    };
}
