namespace KvReplicator.Replication;

/// <summary>
/// Whether locking a secret on the record this process committed last, without reading it first, pays off here.
/// It saves the read when no other instance wrote the secret since, and costs a refused write on top of the read
/// when one did: a single instance gains a call per version, while instances that take turns at a secret (Event
/// Grid spreads deliveries over a scaled-out Functions app) would lose one. So the process counts how its recent
/// attempts went and stops trying once at least half of them were refused, trying again now and then to notice
/// when that changes.
/// </summary>
internal sealed class RememberedRecordOdds
{
    // Recent attempts weigh most: the counts halve every HalfLife eligible handlings (tried or not), so a change of
    // deployment shape (an instance added or gone) shows within a few hundred versions at most.
    private const int HalfLife = 32;

    // While refusals dominate, one eligible handling in ProbeEvery still tries, so the odds can recover; it bounds
    // the cost in a deployment where every attempt is refused to one write in ProbeEvery versions.
    private const int ProbeEvery = 16;

    private readonly object _gate = new();
    // A fresh process starts as if four attempts had held: a single refusal must not send it to reading first.
    private double _attempts = 4;
    private double _refused;
    private int _sinceProbe;
    private int _sinceHalving;

    /// <summary>Whether the next handling should lock on the remembered record instead of reading it first.</summary>
    public bool ShouldTry()
    {
        lock (_gate)
        {
            if (++_sinceHalving >= HalfLife)
            {
                _sinceHalving = 0;
                _attempts /= 2;
                _refused /= 2;
            }

            if (_refused * 2 < _attempts)
            {
                return true;
            }

            if (++_sinceProbe >= ProbeEvery)
            {
                _sinceProbe = 0;
                return true;
            }

            return false;
        }
    }

    /// <summary>How an attempt went: <paramref name="refused"/> when the store had changed since this process's write.</summary>
    public void Record(bool refused)
    {
        lock (_gate)
        {
            _attempts++;
            if (refused)
            {
                _refused++;
            }
        }
    }
}
