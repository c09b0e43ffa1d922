namespace KvReplicator.DevTools.Local;

/// <summary>
/// LOCAL ONLY (test plan cases 3 and 6): the levers on the replicator's STS exchange with moto, applied by
/// <see cref="LocalStsExchangeHandler"/>. Sessions are made to last <see cref="SessionLifetime"/> instead of the
/// 900 s minimum that real STS (and the production options) allow, so the production
/// <c>RefreshingCredentialSource</c> refreshes every few seconds; and the exchange can be refused, as a role whose
/// trust policy no longer admits the identity would be.
/// </summary>
internal sealed class LocalStsExchange
{
    private long _sessionsIssued;
    private long _exchangesRefused;
    private volatile bool _refusing;

    public LocalStsExchange(TimeSpan sessionLifetime)
    {
        // moto's expiry has microsecond precision, but below a couple of seconds a session could expire
        // between STS answering and the source caching it.
        ArgumentOutOfRangeException.ThrowIfLessThan(sessionLifetime, TimeSpan.FromSeconds(2));
        SessionLifetime = TimeSpan.FromSeconds(Math.Ceiling(sessionLifetime.TotalSeconds));
    }

    /// <summary>How long each session moto issues lasts, in whole seconds (what <c>DurationSeconds</c> carries).</summary>
    public TimeSpan SessionLifetime { get; }

    public bool IsRefusing => _refusing;

    /// <summary>Sessions STS issued to the replicator.</summary>
    public long SessionsIssued => Interlocked.Read(ref _sessionsIssued);

    /// <summary>Exchanges answered with AccessDenied while refusing.</summary>
    public long ExchangesRefused => Interlocked.Read(ref _exchangesRefused);

    public void Refuse() => _refusing = true;

    public void Admit() => _refusing = false;

    internal void CountIssued() => Interlocked.Increment(ref _sessionsIssued);

    internal void CountRefused() => Interlocked.Increment(ref _exchangesRefused);
}
