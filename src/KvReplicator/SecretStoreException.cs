namespace KvReplicator;

/// <summary>
/// A failure of a store (source, target, ledger, credentials) that the store has already classified.
/// Its message names the operation and the service's error code, never a secret value; stores build it
/// from sanitised service errors so that it is safe to log.
/// </summary>
internal class SecretStoreException : Exception
{
    public SecretStoreException(string message, bool isTransient, string? errorCode = null, Exception? innerException = null)
        : base(message, innerException)
    {
        IsTransient = isTransient;
        ErrorCode = errorCode;
    }

    /// <summary>True when a later retry of the same work may succeed.</summary>
    public bool IsTransient { get; }

    /// <summary>The service's error code (e.g. <c>ThrottlingException</c>), when it sent one.</summary>
    public string? ErrorCode { get; }
}
