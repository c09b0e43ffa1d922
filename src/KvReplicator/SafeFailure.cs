namespace KvReplicator;

/// <summary>
/// What may be said about a failure in a log line, an outcome or a report. Only store exceptions carry
/// messages built to be safe (operation, error code, status); anything else is reduced to its type, since
/// an SDK's message may quote a response body.
/// </summary>
internal static class SafeFailure
{
    /// <summary>Whether a retry may help, and a description that never holds a secret value.</summary>
    public static (bool IsTransient, string Detail) Describe(Exception exception) => exception switch
    {
        SecretStoreException store => (store.IsTransient, store.Message),
        OperationCanceledException => (true, "timed out"),
        HttpRequestException http => (true, $"network error ({http.HttpRequestError})"),
        _ => (true, $"unexpected {exception.GetType().Name}"),
    };
}
