using KvReplicator.Replication;

namespace KvReplicator.SecretsManager;

/// <summary>
/// A failed Secrets Manager call, classified. The message names the operation, the service's error type
/// and the HTTP status, plus the service's own message cut to 200 characters: Secrets Manager messages
/// describe the request's shape, never its SecretString.
/// </summary>
public sealed class SecretsManagerException : SecretStoreException
{
    private const int MaxServiceMessageLength = 200;

    public SecretsManagerException(string operation, string? errorType, int? httpStatus, string? serviceMessage, Exception? innerException = null)
        : this(operation, errorType, httpStatus, Truncate(serviceMessage), SecretsManagerErrorTypes.IsTransient(errorType, httpStatus), innerException)
    {
    }

    private SecretsManagerException(string operation, string? errorType, int? httpStatus, string? serviceMessage, bool isTransient, Exception? innerException)
        : base(BuildMessage(operation, errorType, httpStatus, serviceMessage), isTransient, errorType, innerException)
    {
        Operation = operation;
        ErrorType = errorType;
        HttpStatus = httpStatus;
        ServiceMessage = serviceMessage;
    }

    /// <summary>The API operation, e.g. <c>PutSecretValue</c>.</summary>
    public string Operation { get; }

    /// <summary>The response's <c>__type</c> without its namespace prefix, or <c>NetworkError</c>/<c>Timeout</c>; null when the body had none.</summary>
    public string? ErrorType { get; }

    /// <summary>Null when no response arrived.</summary>
    public int? HttpStatus { get; }

    /// <summary>The service's message, at most 200 characters.</summary>
    public string? ServiceMessage { get; }

    /// <summary>Credentials or permissions were refused: transient for the event, pointless to retry at once.</summary>
    public bool IsAuthFailure => SecretsManagerErrorTypes.IsAuthFailure(ErrorType);

    private static string? Truncate(string? message) =>
        message is { Length: > MaxServiceMessageLength } ? message[..MaxServiceMessageLength] + "…" : message;

    private static string BuildMessage(string operation, string? errorType, int? httpStatus, string? serviceMessage)
    {
        string status = httpStatus is { } code ? $"HTTP {code}" : "no response";
        string type = errorType ?? "unknown error";
        return serviceMessage is null
            ? $"Secrets Manager {operation} failed: {type} ({status})."
            : $"Secrets Manager {operation} failed: {type} ({status}): {serviceMessage}";
    }
}
