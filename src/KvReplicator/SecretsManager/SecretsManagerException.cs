namespace KvReplicator.SecretsManager;

/// <summary>
/// A failed Secrets Manager call, classified. The message names the operation, the service's error type, the
/// HTTP status and the request id. The service's own message (cut to 200 characters) is added only for calls
/// that neither send nor return a value: a write's error may quote the request, value included, whenever a hop
/// (a proxy, an emulator, a future API change) does not mask it as AWS does.
/// </summary>
internal sealed class SecretsManagerException : SecretStoreException
{
    private const int MaxServiceMessageLength = 200;

    public SecretsManagerException(string operation, string? errorType, int? httpStatus, string? serviceMessage, Exception? innerException = null)
        : this(operation, errorType, httpStatus, Truncate(serviceMessage), requestId: null, markedForDeletion: false, messageWithheld: false, innerException)
    {
    }

    /// <param name="operation">The API operation.</param>
    /// <param name="errorType">The error type, already checked to be a bare identifier.</param>
    /// <param name="httpStatus">Null when no response arrived.</param>
    /// <param name="serviceMessage">The service's message; null when withheld or absent.</param>
    /// <param name="requestId">AWS's request id, already checked to be one.</param>
    /// <param name="markedForDeletion">What the withheld message said about the secret, as far as the caller acts on it.</param>
    /// <param name="messageWithheld">True when the service sent a message that is deliberately not shown.</param>
    /// <param name="innerException">Already redacted by the client for calls that send a value.</param>
    internal SecretsManagerException(
        string operation, string? errorType, int? httpStatus, string? serviceMessage, string? requestId, bool markedForDeletion, bool messageWithheld, Exception? innerException)
        : base(BuildMessage(operation, errorType, httpStatus, Truncate(serviceMessage), requestId, markedForDeletion, messageWithheld), SecretsManagerErrorTypes.IsTransient(errorType, httpStatus), errorType, innerException)
    {
        Operation = operation;
        ErrorType = errorType;
        HttpStatus = httpStatus;
        ServiceMessage = Truncate(serviceMessage);
        RequestId = requestId;
        MarkedForDeletion = markedForDeletion || (errorType == SecretsManagerErrorTypes.InvalidRequest && SecretsManagerErrorTypes.SaysMarkedForDeletion(serviceMessage));
    }

    /// <summary>The API operation, e.g. <c>PutSecretValue</c>.</summary>
    public string Operation { get; }

    /// <summary>The response's <c>__type</c> without its namespace prefix, or <c>NetworkError</c>/<c>Timeout</c>; null when the body had none.</summary>
    public string? ErrorType { get; }

    /// <summary>Null when no response arrived.</summary>
    public int? HttpStatus { get; }

    /// <summary>The service's message, at most 200 characters; null for calls that send or return a value.</summary>
    public string? ServiceMessage { get; }

    /// <summary>AWS's <c>x-amzn-RequestId</c>, to find the call in CloudTrail or quote to AWS support.</summary>
    public string? RequestId { get; }

    /// <summary>Credentials or permissions were refused: transient for the event, pointless to retry at once.</summary>
    public bool IsAuthFailure => SecretsManagerErrorTypes.IsAuthFailure(ErrorType);

    /// <summary>The service refused the call because the secret is scheduled for deletion (read from its message, even a withheld one).</summary>
    internal bool MarkedForDeletion { get; }

    private static string? Truncate(string? message) =>
        message is { Length: > MaxServiceMessageLength } ? message[..MaxServiceMessageLength] + "…" : message;

    private static string BuildMessage(
        string operation, string? errorType, int? httpStatus, string? serviceMessage, string? requestId, bool markedForDeletion, bool messageWithheld)
    {
        string status = httpStatus is { } code ? $"HTTP {code}" : "no response";
        string request = requestId is null ? string.Empty : $", request id {requestId}";
        string head = $"Secrets Manager {operation} failed: {errorType ?? "unknown error"} ({status}{request})";
        return (serviceMessage, markedForDeletion, messageWithheld) switch
        {
            ({ } message, _, _) => $"{head}: {message}",
            (null, true, _) => $"{head}: the secret is scheduled for deletion.",
            (null, false, true) => $"{head}; the service's message is not shown, as the error of a call that carries a value may quote it.",
            _ => $"{head}.",
        };
    }
}
