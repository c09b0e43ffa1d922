using Azure;
using Azure.Identity;

namespace KvReplicator.Ledger;

/// <summary>
/// Turns what the Blob client throws into a classified <see cref="SecretStoreException"/>. Messages carry
/// the operation, HTTP status and error code only: <see cref="RequestFailedException.Message"/> embeds the
/// response body and headers, which are kept out of anything that may be logged. The original exception
/// stays as the inner one for diagnostics: the ledger never sends a secret value, so no body can echo one.
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
        // No response at all: a network failure.
        0 => true,

        // Role assignments and firewall rules take minutes to apply; a later retry may pass.
        401 or 403 => true,

        // The ledger looks for (and creates) its container again on the next call.
        404 when failed.ErrorCode == "ContainerNotFound" => true,

        // E.g. ContainerBeingDeleted: the account's state changes, not the request.
        408 or 409 or 429 => true,
        >= 500 => true,

        // 400, other 404s and the rest: the request or its configuration is wrong.
        _ => false,
    };
}
