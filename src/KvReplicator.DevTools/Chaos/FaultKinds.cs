namespace KvReplicator.DevTools.Chaos;

/// <summary>The faults injected at each edge, named as the figures print them.</summary>
internal static class FaultKinds
{
    public const string Http500 = "http-500";
    public const string Http503 = "http-503";
    public const string Http429 = "http-429";
    public const string Throttling = "throttling";
    public const string EtagConflict = "etag-conflict-412";
    public const string Timeout = "timeout";
    public const string DroppedConnection = "dropped-connection";

    /// <summary>The request reached the store and took effect, but its response never came back.</summary>
    public const string LostResponse = "lost-response";

    public const string RefreshFailure = "refresh-failure";
}
