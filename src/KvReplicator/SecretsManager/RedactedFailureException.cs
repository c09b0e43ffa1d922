namespace KvReplicator.SecretsManager;

/// <summary>
/// Stands in for the inner exception of a failed call that sent a value: the original's type name and its
/// message with the value redacted (<see cref="SentValueRedaction"/>), without the original object.
/// </summary>
internal sealed class RedactedFailureException : Exception
{
    internal RedactedFailureException(string originalType, string redactedMessage, Exception? innerException)
        : base($"{originalType}: {redactedMessage}", innerException)
    {
        OriginalType = originalType;
    }

    /// <summary>The full name of the exception this one replaces, e.g. <c>System.Net.Http.HttpRequestException</c>.</summary>
    public string OriginalType { get; }
}
