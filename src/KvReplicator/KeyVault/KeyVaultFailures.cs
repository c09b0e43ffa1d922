using System.Text.Json;
using Azure;
using Azure.Identity;

namespace KvReplicator.KeyVault;

/// <summary>
/// Turns Key Vault SDK failures into <see cref="SecretStoreException"/>s that are safe to log. A
/// <see cref="RequestFailedException"/>'s message embeds the response body, so it is never carried over,
/// not even as the inner exception; only the operation, HTTP status and Key Vault's error code are, and the
/// code only when it is one Key Vault documents: a read's error body (or header) written by a hop that quotes
/// the secret must not carry the value into a message through the code either.
/// </summary>
internal static class KeyVaultFailures
{
    private const string DisabledSecretInnerCode = "SecretDisabled";

    /// <summary>True for Key Vault's answer to reading a disabled version: 403 Forbidden, "…not allowed on a disabled secret".</summary>
    public static bool IsDisabledSecret(RequestFailedException exception)
    {
        if (exception.Status != 403)
        {
            return false;
        }

        (string? code, string? message, string? innerCode) = ReadError(exception);
        return string.Equals(innerCode, DisabledSecretInnerCode, StringComparison.OrdinalIgnoreCase)
            || (string.Equals(code ?? exception.ErrorCode, "Forbidden", StringComparison.OrdinalIgnoreCase)
                && message is not null && message.Contains("disabled secret", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Whether an exception is a failure of the service or the way to it, which <see cref="ToStoreException"/>
    /// classifies, rather than a bug or the caller's own cancellation.
    /// </summary>
    public static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RequestFailedException or AuthenticationFailedException => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    public static SecretStoreException ToStoreException(Exception exception, string operation, string? secretName)
    {
        string subject = secretName is null ? operation : $"{operation} of '{secretName}'";
        return exception switch
        {
            RequestFailedException { Status: 0 } => new SecretStoreException(
                $"Key Vault {subject} failed: no response ({exception.InnerException?.GetType().Name ?? "network error"}).", isTransient: true),
            RequestFailedException failed => FromResponse(failed, subject),
            AuthenticationFailedException => new SecretStoreException(
                $"Key Vault {subject} failed: the credential could not get a token ({exception.GetType().Name}).", isTransient: true, "AuthenticationFailed"),
            OperationCanceledException => new SecretStoreException($"Key Vault {subject} timed out.", isTransient: true, "Timeout"),
            _ => throw new ArgumentException($"{exception.GetType().Name} is not a Key Vault failure.", nameof(exception)),
        };
    }

    /// <summary>
    /// Throttling, server errors, and authorization (401, and 403 other than a disabled secret: role
    /// assignments take minutes to propagate) may pass; a bad request (400) or other 4xx will not.
    /// </summary>
    public static bool IsTransient(int status) => status switch
    {
        401 or 403 or 408 or 409 or 429 => true,
        >= 500 => true,
        _ => false,
    };

    private static SecretStoreException FromResponse(RequestFailedException failed, string subject)
    {
        string? sent = failed.ErrorCode ?? ReadError(failed).Code;
        string? code = KeyVaultErrorCodes.Known(sent);
        string codeText = (code, sent) switch
        {
            ({ } known, _) => $", error code {known}",
            (null, not null) => ", an error code Key Vault does not document (not shown)",
            _ => string.Empty,
        };
        return new SecretStoreException($"Key Vault {subject} failed: HTTP {failed.Status}{codeText}.", IsTransient(failed.Status), code);
    }

    /// <summary>Reads Key Vault's <c>{"error":{"code","message","innerError":{"code"}}}</c>, for classification only.</summary>
    private static (string? Code, string? Message, string? InnerCode) ReadError(RequestFailedException exception)
    {
        Response? response = exception.GetRawResponse();
        if (response?.Content is not { } content)
        {
            // Without a response (built by hand, or by code that dropped it) the message is Key Vault's message.
            return (exception.ErrorCode, exception.Message, null);
        }

        try
        {
            using JsonDocument body = JsonDocument.Parse(content.ToMemory());
            if (!body.RootElement.TryGetProperty("error", out JsonElement error) || error.ValueKind != JsonValueKind.Object)
            {
                return (exception.ErrorCode, null, null);
            }

            string? inner = error.TryGetProperty("innerError", out JsonElement innerError) || error.TryGetProperty("innererror", out innerError)
                ? StringOf(innerError, "code")
                : null;
            return (StringOf(error, "code"), StringOf(error, "message"), inner);
        }
        catch (JsonException)
        {
            return (exception.ErrorCode, null, null);
        }
    }

    private static string? StringOf(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
