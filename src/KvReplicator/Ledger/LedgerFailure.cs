using Azure;
using Azure.Identity;
using KvReplicator.Replication;

namespace KvReplicator.Ledger;

/// <summary>
/// Turns what the Blob client throws into a classified <see cref="SecretStoreException"/>. Messages carry
/// the operation, HTTP status and error code only: <see cref="RequestFailedException.Message"/> embeds the
/// response body and headers, which are kept out of anything that may be logged.
/// </summary>
internal static class LedgerFailure
{
    /// <summary>True for the failures <see cref="Translate"/> classifies; a cancellation the caller asked for is not one.</summary>
    public static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RequestFailedException or AuthenticationFailedException or CredentialUnavailableException or HttpRequestException or IOException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    public static SecretStoreException Translate(string operation, Exception exception) => exception switch
    {
        RequestFailedException failed => FromResponse(operation, failed),

        // Identity failures are usually passing: a managed identity endpoint not ready yet, a token service hiccup.
        AuthenticationFailedException or CredentialUnavailableException =>
            new SecretStoreException($"Ledger {operation} failed: could not get a token for Blob Storage ({exception.GetType().Name})", isTransient: true, "AuthenticationFailed", exception),

        // Azure.Core reports its own network timeout as a cancellation the caller did not ask for.
        OperationCanceledException =>
            new SecretStoreException($"Ledger {operation} failed: timed out", isTransient: true, "Timeout", exception),

        _ => new SecretStoreException($"Ledger {operation} failed: network error ({exception.GetType().Name})", isTransient: true, "NetworkError", exception),
    };

    private static SecretStoreException FromResponse(string operation, RequestFailedException failed)
    {
        string code = string.IsNullOrEmpty(failed.ErrorCode) ? "none" : failed.ErrorCode;
        string message = failed.Status == 0
            ? $"Ledger {operation} failed: no response from Blob Storage (error code {code})"
            : $"Ledger {operation} failed: HTTP {failed.Status} (error code {code})";
        return new SecretStoreException(message, IsTransient(failed), failed.ErrorCode, failed);
    }

    private static bool IsTransient(RequestFailedException failed) => failed.Status switch
    {
        // The ledger creates its container again on the next call.
        404 when failed.ErrorCode == "ContainerNotFound" => true,
        0 => true,      // no response at all: network failure
        401 or 403 => true, // role assignments and firewall rules take minutes to apply; a retry later may pass
        408 or 429 => true,
        409 => true,    // e.g. ContainerBeingDeleted: the state of the account changes, not the request
        >= 500 => true,
        _ => false,     // 400, 404 and the rest: the request or its configuration is wrong
    };
}
