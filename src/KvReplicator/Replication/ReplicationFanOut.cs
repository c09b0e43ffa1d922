namespace KvReplicator.Replication;

/// <summary>
/// One version to every AWS target its vault replicates to: the routes (one <see cref="SecretReplicator"/> per
/// vault and target) of the event's vault run side by side, each exactly-once and ordered on its own ledger
/// record, and their outcomes are answered as one. A vault no route reads is rejected, as one vault's replicator
/// rejects another vault's events.
/// </summary>
/// <remarks>
/// One target never waits for another: its write lands as soon as its own replicator is done, whatever the
/// others answer. The delivery is answered "retry later" while any target still needs the version, and a
/// redelivery finds the targets already done in their own records, so it writes to none of them again.
/// </remarks>
internal sealed class ReplicationFanOut
{
    private readonly IReadOnlyList<SecretReplicator> _routes;

    public ReplicationFanOut(IEnumerable<SecretReplicator> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        _routes = [.. routes];
        if (_routes.Count == 0)
        {
            throw new ArgumentException("At least one route is needed.", nameof(routes));
        }
    }

    /// <summary>Every route: one per vault and AWS target.</summary>
    public IReadOnlyList<SecretReplicator> Routes => _routes;

    /// <summary>Replicates one version to every target of its vault and says how it went for all of them.</summary>
    public async Task<ReplicationOutcome> ReplicateAsync(SecretVersionRef version, ReplicationRequestOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        if (_routes.Count == 1)
        {
            // The single route answers as it always did, its rejection of another vault's events included.
            return await _routes[0].ReplicateAsync(version, options, cancellationToken).ConfigureAwait(false);
        }

        SecretReplicator[] mine = [.. _routes.Where(route => string.Equals(route.VaultName, version.VaultName, StringComparison.OrdinalIgnoreCase))];
        if (mine.Length == 0)
        {
            // A subscription pointed at the wrong replicator: dead-letter it so an operator sees it.
            string vaults = string.Join(", ", _routes.Select(route => $"'{route.VaultName}'").Distinct(StringComparer.OrdinalIgnoreCase));
            return ReplicationOutcome.Rejected(version, $"event is from vault '{version.VaultName}', this replicator reads {vaults}");
        }

        if (mine.Length == 1 && mine[0].TargetId is null)
        {
            return await mine[0].ReplicateAsync(version, options, cancellationToken).ConfigureAwait(false);
        }

        ReplicationOutcome[] outcomes = await Task.WhenAll(mine.Select(async route =>
            (await route.ReplicateAsync(version, options, cancellationToken).ConfigureAwait(false)) with { TargetId = route.TargetId })).ConfigureAwait(false);
        return Combine(version, outcomes);
    }

    /// <summary>
    /// The delivery's answer for several targets. "Retry later" while any target needs the version again (the
    /// others find it done); "rejected" when a target can never take it and none is waiting for a retry, so it is
    /// dead-lettered for an operator (a replay writes only to the targets still missing it); otherwise the most
    /// telling success.
    /// </summary>
    internal static ReplicationOutcome Combine(SecretVersionRef version, IReadOnlyList<ReplicationOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        if (outcomes.Count == 1)
        {
            return outcomes[0];
        }

        ReplicationOutcomeKind kind =
            outcomes.Any(outcome => outcome.Kind == ReplicationOutcomeKind.RetryLater) ? ReplicationOutcomeKind.RetryLater
            : outcomes.Any(outcome => outcome.Kind == ReplicationOutcomeKind.Rejected) ? ReplicationOutcomeKind.Rejected
            : outcomes.Any(outcome => outcome.Kind == ReplicationOutcomeKind.Replicated) ? ReplicationOutcomeKind.Replicated
            : outcomes.Any(outcome => outcome.Kind == ReplicationOutcomeKind.Skipped) ? ReplicationOutcomeKind.Skipped
            : ReplicationOutcomeKind.AlreadyDone;
        ReplicationOutcome[] deciding = [.. outcomes.Where(outcome => outcome.Kind == kind)];
        string? reason = kind is ReplicationOutcomeKind.RetryLater or ReplicationOutcomeKind.Rejected
            ? string.Join("; ", deciding.Select(outcome => $"target '{outcome.TargetId ?? "default"}': {outcome.Reason}"))
            : deciding[0].Reason;
        string[] warnings = [.. outcomes.Where(outcome => outcome.Warning is not null).Select(outcome => $"target '{outcome.TargetId ?? "default"}': {outcome.Warning}")];
        return deciding[0] with
        {
            Version = version,
            TargetId = null,
            Reason = reason,
            ErrorCode = deciding.Length == 1 ? deciding[0].ErrorCode : null,
            CreatedTarget = outcomes.Any(outcome => outcome.CreatedTarget),
            RestoredTarget = outcomes.Any(outcome => outcome.RestoredTarget),
            Warning = warnings.Length == 0 ? null : string.Join("; ", warnings),
            Targets = outcomes,
        };
    }
}
