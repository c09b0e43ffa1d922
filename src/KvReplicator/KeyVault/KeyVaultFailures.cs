using System.Net.Sockets;
using System.Text.Json;
using Azure;
using Azure.Identity;
using KvReplicator.AzureIdentity;

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
    /// <summary>The error code of a failure no Azure credential could even try; the preflight refuses it at start.</summary>
    public const string CredentialUnavailableCode = "CredentialUnavailable";

    private const string Section = KeyVaultOptions.SectionName;

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
    /// classifies, rather than a bug or the caller's own cancellation. That includes the
    /// <see cref="AggregateException"/> Azure.Core throws when its retries give up, and the SDK's refusal of a
    /// challenge that names another resource than the vault.
    /// </summary>
    public static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) => exception switch
    {
        RequestFailedException or AuthenticationFailedException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(inner => IsStoreFailure(inner, cancellationToken)),
        InvalidOperationException when IsChallengeRefusal(exception) => true,
        OperationCanceledException => !cancellationToken.IsCancellationRequested,
        _ => false,
    };

    /// <summary>
    /// Failures on the way to the vault that no retry mends: the server's TLS certificate is not trusted, or the
    /// vault's host name does not exist. <see cref="KeyVaultRetryPolicy"/> does not retry them, so a delivery
    /// learns at once what Azure.Core's retries would have taken seconds to learn.
    /// </summary>
    public static bool IsPermanentTransportFailure(Exception exception) =>
        exception is RequestFailedException { Status: 0 } && TransportFailureOf(exception) is TransportFailure.TlsTrust or TransportFailure.UnknownHost;

    /// <summary>
    /// A <see cref="SecretStoreException"/> safe to log. Failures that a setting or a role assignment must fix
    /// (TLS trust, the challenge, 401 and 403, a vault that does not exist) are permanent and say which setting
    /// to check; a network failure, throttling and server errors are transient.
    /// </summary>
    public static SecretStoreException ToStoreException(Exception exception, string operation, string? secretName)
    {
        string subject = secretName is null ? operation : $"{operation} of '{secretName}'";
        return exception switch
        {
            // Azure.Core's retries gave up: the last attempt's failure stands for them all.
            AggregateException { InnerExceptions.Count: > 0 } aggregate => ToStoreException(aggregate.InnerExceptions[^1], operation, secretName),
            RequestFailedException { Status: 0 } => FromTransport(exception, subject),
            RequestFailedException failed => FromResponse(failed, subject),
            InvalidOperationException when IsChallengeRefusal(exception) => new SecretStoreException(
                $"Key Vault {subject} failed: the vault's authentication challenge names another resource than its host. Check {Section}:VaultUri; "
                + $"{Section}:DisableChallengeResourceVerification=true is for the local stand-in only.",
                isTransient: false, "ChallengeRefused"),
            // Nothing in the chain could try (no managed identity, no signed-in CLI). Transient all the same: a managed
            // identity endpoint that does not answer yet looks the same, and start-up's preflight reports it at once.
            CredentialUnavailableException => new SecretStoreException(
                $"Key Vault {subject} failed: no Azure credential is available ({exception.GetType().Name}); choose one with {AzureCredentialOptions.SourceSetting}.",
                isTransient: true, CredentialUnavailableCode),
            AuthenticationFailedException => new SecretStoreException(
                $"Key Vault {subject} failed: the credential could not get a token ({exception.GetType().Name}); check {AzureCredentialOptions.SourceSetting}.",
                isTransient: true, "AuthenticationFailed"),
            OperationCanceledException => new SecretStoreException($"Key Vault {subject} timed out.", isTransient: true, "Timeout"),
            _ => throw new ArgumentException($"{exception.GetType().Name} is not a Key Vault failure.", nameof(exception)),
        };
    }

    /// <summary>
    /// Throttling, server errors, a timeout and a conflict may pass. A refusal (401, and 403 other than a disabled
    /// secret, which callers read as a result) waits for a person to fix a setting or a role assignment, as does a
    /// bad request (400) or any other 4xx: the event is dead-lettered and <c>kvrep replay</c> re-drives it then.
    /// </summary>
    public static bool IsTransient(int status) => status switch
    {
        408 or 409 or 429 => true,
        >= 500 => true,
        _ => false,
    };

    private static SecretStoreException FromTransport(Exception exception, string subject) => TransportFailureOf(exception) switch
    {
        TransportFailure.TlsTrust => new SecretStoreException(
            $"Key Vault {subject} failed: the vault's TLS certificate is not trusted. Check {Section}:TrustedServerCertificateThumbprint "
            + "(the SHA-256 of the local stand-in's certificate; unset for a real vault).",
            isTransient: false, "TlsTrust"),
        TransportFailure.UnknownHost => new SecretStoreException(
            $"Key Vault {subject} failed: the vault's host name does not resolve. Check {Section}:VaultUri.", isTransient: false, "VaultNotFound"),
        _ => new SecretStoreException(
            $"Key Vault {subject} failed: no response ({Describe(exception.InnerException)}); check {Section}:VaultUri and the network.", isTransient: true, "NoResponse"),
    };

    private static string Describe(Exception? transport) => transport switch
    {
        HttpRequestException { HttpRequestError: not HttpRequestError.Unknown } http => $"{nameof(HttpRequestException)}: {http.HttpRequestError}",
        null => "network error",
        _ => transport.GetType().Name,
    };

    /// <summary>Read from the transport's exception and its socket error, never from a message.</summary>
    private static TransportFailure TransportFailureOf(Exception exception) => exception.InnerException switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } => TransportFailure.TlsTrust,
        HttpRequestException { HttpRequestError: HttpRequestError.NameResolutionError, InnerException: SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.NoData } }
            => TransportFailure.UnknownHost,
        _ => TransportFailure.Other,
    };

    /// <summary>
    /// The SDK's own <see cref="InvalidOperationException"/> when a 401's challenge names a resource or scope that
    /// does not belong to the vault's host (its text is the SDK's, never the service's).
    /// </summary>
    private static bool IsChallengeRefusal(Exception exception) =>
        exception.Message.StartsWith("The challenge ", StringComparison.Ordinal);

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
        return new SecretStoreException($"Key Vault {subject} failed: HTTP {failed.Status}{codeText}.{Hint(failed.Status, code)}", IsTransient(failed.Status), code);
    }

    /// <summary>What to check, for the answers a setting or a role assignment causes.</summary>
    private static string Hint(int status, string? code) => (status, code) switch
    {
        (401, _) => $" The vault refused the token: check {AzureCredentialOptions.SourceSetting} and that the vault is in the identity's tenant.",
        (403, "ForbiddenByFirewall" or "ForbiddenByConnection") => " The vault's firewall or private endpoint refuses this network.",
        (403, _) => " The identity may not read this vault's secrets: grant it the Key Vault Secrets User role (or get and list in the vault's access policy).",
        (404, null or "NotFound" or "VaultNotFound") => $" No vault answers at this address: check {Section}:VaultUri.",
        _ => string.Empty,
    };

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

    private enum TransportFailure
    {
        Other,
        TlsTrust,
        UnknownHost,
    }

    private static string? StringOf(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
