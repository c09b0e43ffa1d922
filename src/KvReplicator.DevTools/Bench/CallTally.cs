namespace KvReplicator.DevTools.Bench;

/// <summary>Remote calls counted for one delivery (or one phase), by service and operation.</summary>
internal sealed class CallTally
{
    private readonly Dictionary<(RemoteService Service, string Operation), int> _counts = [];
    private readonly Dictionary<RemoteService, TimeSpan> _time = [];
    private readonly Lock _gate = new();

    /// <summary>Adds the time a call to <paramref name="service"/> took, from request sent to response received.</summary>
    public void AddTime(RemoteService service, TimeSpan elapsed)
    {
        lock (_gate)
        {
            _time[service] = _time.GetValueOrDefault(service) + elapsed;
        }
    }

    public TimeSpan Time(RemoteService service)
    {
        lock (_gate)
        {
            return _time.GetValueOrDefault(service);
        }
    }

    public void Add(RemoteService service, string operation, int count = 1)
    {
        lock (_gate)
        {
            _counts[(service, operation)] = _counts.GetValueOrDefault((service, operation)) + count;
        }
    }

    public void AddAll(CallTally other)
    {
        foreach (KeyValuePair<(RemoteService Service, string Operation), int> entry in other.Snapshot())
        {
            Add(entry.Key.Service, entry.Key.Operation, entry.Value);
        }

        foreach (RemoteService service in Enum.GetValues<RemoteService>())
        {
            if (other.Time(service) is { Ticks: > 0 } elapsed)
            {
                AddTime(service, elapsed);
            }
        }
    }

    public int Total(RemoteService service)
    {
        lock (_gate)
        {
            return _counts.Where(entry => entry.Key.Service == service).Sum(entry => entry.Value);
        }
    }

    public IReadOnlyDictionary<(RemoteService Service, string Operation), int> Snapshot()
    {
        lock (_gate)
        {
            return new Dictionary<(RemoteService Service, string Operation), int>(_counts);
        }
    }
}
