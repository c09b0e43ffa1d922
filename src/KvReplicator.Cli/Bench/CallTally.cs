namespace KvReplicator.Cli.Bench;

/// <summary>Remote calls counted for one delivery (or one phase), by service and operation.</summary>
internal sealed class CallTally
{
    private readonly Dictionary<(RemoteService Service, string Operation), int> _counts = [];
    private readonly Lock _gate = new();

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
