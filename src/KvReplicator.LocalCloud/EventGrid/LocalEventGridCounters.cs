namespace KvReplicator.LocalCloud.EventGrid;

/// <summary>What the local Event Grid did, counted per event (a batch of three delivered counts three).</summary>
public sealed class LocalEventGridCounters
{
    private long _published;
    private long _delivered;
    private long _retried;
    private long _deadLettered;
    private long _dropped;
    private long _duplicated;

    /// <summary>Events queued for a subscription (an event matching two subscriptions counts twice).</summary>
    public long Published => Interlocked.Read(ref _published);

    /// <summary>Event deliveries the endpoint acknowledged with 2xx; a duplicate counts again.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Failed attempts that were scheduled for another attempt.</summary>
    public long Retried => Interlocked.Read(ref _retried);

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Events lost on purpose by <see cref="LocalEventGridOptions.DropRate"/>.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Extra deliveries queued by <see cref="LocalEventGridOptions.DuplicateRate"/>.</summary>
    public long Duplicated => Interlocked.Read(ref _duplicated);

    internal void AddPublished() => Interlocked.Increment(ref _published);

    internal void AddDelivered(int count) => Interlocked.Add(ref _delivered, count);

    internal void AddRetried(int count) => Interlocked.Add(ref _retried, count);

    internal void AddDeadLettered(int count) => Interlocked.Add(ref _deadLettered, count);

    internal void AddDropped() => Interlocked.Increment(ref _dropped);

    internal void AddDuplicated() => Interlocked.Increment(ref _duplicated);

    public override string ToString() =>
        $"published {Published}, delivered {Delivered}, retried {Retried}, dead-lettered {DeadLettered}, dropped {Dropped}, duplicated {Duplicated}";
}
