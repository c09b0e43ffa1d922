namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Where the counting handler, pipeline policy and credential report their calls. The call is charged to
/// the delivery whose handler made it (an <see cref="AsyncLocal{T}"/> flows from the delivery into the SDK
/// pipelines), so concurrent deliveries are told apart: a duplicate's calls are not mixed with a new
/// version's. Calls made outside any delivery land in <see cref="Unattributed"/>.
/// </summary>
internal sealed class RemoteCallCounter
{
    private readonly AsyncLocal<CallTally?> _current = new();
    private CallTally? _others;

    public CallTally Unattributed { get; } = new();

    public void Record(RemoteService service, string operation) =>
        (_current.Value ?? _others ?? Unattributed).Add(service, operation);

    public void RecordTime(RemoteService service, TimeSpan elapsed) =>
        (_current.Value ?? _others ?? Unattributed).AddTime(service, elapsed);

    /// <summary>
    /// Charges the calls made outside any delivery to <paramref name="tally"/> until the scope is disposed: a
    /// phase's own, e.g. a replicator in another process, whose calls the forwarders see on their own threads.
    /// </summary>
    public IDisposable ChargeOthersTo(CallTally tally)
    {
        CallTally? previous = Interlocked.Exchange(ref _others, tally);
        return new OthersScope(this, previous);
    }

    /// <summary>Charges the calls made by the code that runs until the scope is disposed to <paramref name="tally"/>.</summary>
    public IDisposable ChargeTo(CallTally tally)
    {
        CallTally? previous = _current.Value;
        _current.Value = tally;
        return new Scope(this, previous);
    }

    private sealed class Scope(RemoteCallCounter counter, CallTally? previous) : IDisposable
    {
        public void Dispose() => counter._current.Value = previous;
    }

    private sealed class OthersScope(RemoteCallCounter counter, CallTally? previous) : IDisposable
    {
        public void Dispose() => Volatile.Write(ref counter._others, previous);
    }
}
