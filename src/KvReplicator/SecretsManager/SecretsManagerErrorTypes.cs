namespace KvReplicator.SecretsManager;

/// <summary>
/// The <c>__type</c> values this service acts on, and which of them are worth retrying. Decisions use the
/// type, never the HTTP status: emulators disagree with AWS on statuses (moto answers 404 where AWS answers 400).
/// </summary>
internal static class SecretsManagerErrorTypes
{
    public const string ResourceNotFound = "ResourceNotFoundException";
    public const string ResourceExists = "ResourceExistsException";
    public const string InvalidRequest = "InvalidRequestException";
    public const string InvalidParameter = "InvalidParameterException";

    /// <summary>Our own codes for failures that never reached the service's error body.</summary>
    public const string NetworkError = "NetworkError";
    public const string Timeout = "Timeout";

    /// <summary>A success status with a body that is not the expected JSON: most likely a proxy or a torn connection.</summary>
    public const string MalformedResponse = "MalformedResponse";

    private static readonly HashSet<string> s_throttlingOrServer = new(StringComparer.Ordinal)
    {
        "ThrottlingException", "TooManyRequestsException", "RequestLimitExceeded", "InternalServiceError",
        "InternalServiceErrorException", "InternalFailure", "ServiceUnavailable", "ServiceUnavailableException",
        NetworkError, Timeout, MalformedResponse,
    };

    // An operator can fix these (rotate a key, grant a permission) well within Event Grid's 24 h of redelivery,
    // so the event must come back rather than be dead-lettered.
    private static readonly HashSet<string> s_auth = new(StringComparer.Ordinal)
    {
        "ExpiredTokenException", "ExpiredToken", "UnrecognizedClientException", "InvalidSignatureException",
        "SignatureDoesNotMatch", "AccessDeniedException", "AccessDenied", "InvalidClientTokenId",
        "IncompleteSignature", "MissingAuthenticationToken", "RequestExpired",
    };

    public static bool IsAuthFailure(string? errorType) => errorType is not null && s_auth.Contains(errorType);

    public static bool IsTransient(string? errorType, int? httpStatus) =>
        (errorType is not null && (s_throttlingOrServer.Contains(errorType) || s_auth.Contains(errorType)))
        || httpStatus >= 500
        || (errorType is null && httpStatus is 429);

    /// <summary>Every type named above: what this code acts on, and so what is never redacted from a message.</summary>
    public static bool IsKnown(string errorType) =>
        s_throttlingOrServer.Contains(errorType) || s_auth.Contains(errorType)
        || errorType is ResourceNotFound or ResourceExists or InvalidRequest or InvalidParameter;

    /// <summary>
    /// Real AWS refuses writes to a secret scheduled for deletion with InvalidRequestException
    /// ("…because it was marked for deletion."); the message is the only thing that tells it apart, so the
    /// client reads it even when it does not show it (<see cref="SecretsManagerException.MarkedForDeletion"/>).
    /// </summary>
    public static bool IsMarkedForDeletion(SecretsManagerException exception) => exception.ErrorType == InvalidRequest && exception.MarkedForDeletion;

    public static bool SaysMarkedForDeletion(string? serviceMessage) =>
        serviceMessage is not null
        && (serviceMessage.Contains("deletion", StringComparison.OrdinalIgnoreCase) || serviceMessage.Contains("deleted", StringComparison.OrdinalIgnoreCase));
}
