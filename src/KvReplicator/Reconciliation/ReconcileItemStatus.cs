namespace KvReplicator.Reconciliation;

/// <summary>Where one secret ended up in a run.</summary>
internal enum ReconcileItemStatus
{
    /// <summary>Nothing to do.</summary>
    Unchanged,

    /// <summary>Found and reported, deliberately not acted on (a conflict, a retained extra, a disabled secret).</summary>
    Reported,

    /// <summary>Dry run: the actions would be taken.</summary>
    Planned,

    /// <summary>The actions were taken.</summary>
    Applied,

    /// <summary>An action failed; <see cref="ReconcileItem.Error"/> says why. The next run tries again.</summary>
    Failed,
}
