using KvReplicator.DeadLettering;
using KvReplicator.Diagnostics;
using KvReplicator.Reconciliation;

namespace KvReplicator.Status;

/// <summary>
/// What <c>kvrep status</c> shows, put together from what the replicator already knows how to find out: drift and
/// the SHA-256 prefixes from the reconciler's own dry run (the comparison <c>kvrep verify</c> makes), what was
/// replicated and when from the ledger, and the events given up on from the dead letters. It reads, never writes.
/// </summary>
internal sealed class SecretStatusReader
{
    private readonly SecretReconciler _reconciler;
    private readonly ISecretSource _source;
    private readonly IReplicationLedger _ledger;
    private readonly IDeadLetterStore? _deadLetters;
    private readonly TimeProvider _timeProvider;
    private readonly string? _targetId;

    /// <param name="deadLetters">The dead-letter container, when one is configured: a pending secret with a dead-lettered event has failed.</param>
    /// <param name="targetId">The AWS target whose ledger records are read (<see cref="LedgerKey.TargetId"/>); null for the single, unnamed one.</param>
    public SecretStatusReader(SecretReconciler reconciler, ISecretSource source, IReplicationLedger ledger, TimeProvider timeProvider, IDeadLetterStore? deadLetters = null, string? targetId = null)
    {
        _reconciler = reconciler ?? throw new ArgumentNullException(nameof(reconciler));
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _deadLetters = deadLetters;
        _targetId = targetId;
    }

    /// <summary>
    /// <c>kvrep status</c> of a deployment with several vaults or AWS targets: each route's report in turn, as one
    /// report whose secrets name their vault and target. A single reader's report is its own.
    /// </summary>
    public static async Task<StatusReport> ReadAllAsync(IReadOnlyList<SecretStatusReader> routes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(routes);
        if (routes.Count == 1)
        {
            return await routes[0].ReadAsync(cancellationToken).ConfigureAwait(false);
        }

        var reports = new List<StatusReport>(routes.Count);
        var secrets = new List<SecretStatus>();
        foreach (SecretStatusReader route in routes)
        {
            StatusReport report = await route.ReadAsync(cancellationToken).ConfigureAwait(false);
            reports.Add(report);
            string target = route._targetId ?? TelemetryNames.DefaultTarget;
            secrets.AddRange(report.Secrets.Select(secret => secret with { Vault = report.Vault, Target = target }));
        }

        return new StatusReport
        {
            Vault = string.Join(", ", reports.Select(report => report.Vault).Distinct(StringComparer.OrdinalIgnoreCase)),
            Secrets = secrets,
            At = reports[0].At,
            DeadLetters = reports[0].DeadLetters,
        };
    }

    /// <exception cref="SecretStoreException">Listing the vault, AWS, the ledger or the dead letters failed.</exception>
    public async Task<StatusReport> ReadAsync(CancellationToken cancellationToken = default)
    {
        DateTimeOffset at = _timeProvider.GetUtcNow();

        // Exactly what verify and a sync's dry run compare: the three cannot disagree about drift.
        ReconcileReport compared = await _reconciler.ReconcileAsync(new ReconcileRequest { DryRun = true }, progress: null, cancellationToken).ConfigureAwait(false);

        var ledger = new Dictionary<string, SecretLedgerState>(StringComparer.OrdinalIgnoreCase);
        await foreach (LedgerRecord record in _ledger.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.State is { } state && string.Equals(state.Vault, _source.VaultName, StringComparison.OrdinalIgnoreCase)
                && string.Equals(record.Key.TargetId, _targetId, StringComparison.OrdinalIgnoreCase))
            {
                ledger[state.Secret] = state;
            }
        }

        ILookup<string, ReplayedEvent> deadLettered = await DeadLetteredAsync(cancellationToken).ConfigureAwait(false);
        var secrets = new List<SecretStatus>(compared.Items.Count + compared.Excluded.Count);
        foreach (ReconcileItem item in compared.Items)
        {
            SecretLedgerState? state = item.SourceName is null ? null : ledger.GetValueOrDefault(item.SourceName);
            secrets.Add(Describe(item, state, item.SourceName is null ? [] : deadLettered[item.SourceName], at));
        }

        secrets.AddRange(compared.Excluded.Select(excluded => new SecretStatus { Name = excluded.Name, State = SecretState.Excluded, Detail = excluded.Reason }));
        return new StatusReport
        {
            Vault = _source.VaultName,
            Secrets = [.. secrets.OrderBy(secret => secret.Name ?? secret.TargetName, StringComparer.OrdinalIgnoreCase)],
            At = at,
            DeadLetters = _deadLetters?.Location,
        };
    }

    private static SecretStatus Describe(ReconcileItem item, SecretLedgerState? state, IEnumerable<ReplayedEvent> deadLettered, DateTimeOffset now)
    {
        (SecretState verdict, string? detail) = item switch
        {
            { Status: ReconcileItemStatus.Failed } => (SecretState.Failed, item.Error),
            { Kind: DriftKind.Conflict } => (SecretState.Foreign, item.Detail),
            { DriftFound: false } => (SecretState.InSync, item.Detail),

            // Drift that no delivery and no sync will repair: a value conflict, a name AWS does not accept.
            { Actions: ReconcileActions.None } => (SecretState.Failed, item.Detail),
            _ => (SecretState.Pending, item.Detail),
        };

        // A version still missing whose event was dead-lettered will not arrive by itself.
        ReplayedEvent[] givenUp = [.. deadLettered.Where(e => e.Version is null || state?.IsDone(e.Version) != true)];
        if (verdict == SecretState.Pending && givenUp.Length > 0)
        {
            string reason = givenUp.Select(e => e.DeadLetterReason).FirstOrDefault(r => r is not null) ?? "no reason given";
            (verdict, detail) = (SecretState.Failed, $"{givenUp.Length} event(s) dead-lettered ({reason}); kvrep replay re-drives them once the cause is fixed");
        }

        if (state?.Lock is { } held)
        {
            detail = Join(detail, held.Until > now
                ? $"a write holds the secret's lock until {held.Until:u}"
                : $"a write was interrupted (its lock expired {held.Until:u}); the next delivery or sync finishes it");
        }

        LedgerDoneVersion? replicated = (state?.Current is { } current ? state.FindDone(current.Id) : null)
            ?? state?.Done.FirstOrDefault(done => done.CoalescedInto is null);
        return new SecretStatus
        {
            Name = item.SourceName,
            TargetName = item.TargetName,
            State = verdict,
            Drift = item.Kind,
            KeyVaultVersion = item.SourceVersion,
            AwsVersion = item.TargetVersion,
            KeyVaultSha256Prefix = item.SourceSha256Prefix,
            AwsSha256Prefix = item.TargetSha256Prefix,
            ReplicatedVersion = replicated?.Id ?? state?.Current?.Id,
            ReplicatedOn = replicated?.On,
            Detail = detail,
        };
    }

    /// <summary>The dead-lettered events by secret name, read the way <c>kvrep replay --dry-run</c> reads them.</summary>
    private async Task<ILookup<string, ReplayedEvent>> DeadLetteredAsync(CancellationToken cancellationToken)
    {
        if (_deadLetters is null)
        {
            return Array.Empty<ReplayedEvent>().ToLookup(e => e.SecretName!, StringComparer.OrdinalIgnoreCase);
        }

        ReplayReport plan = await DeadLetterReplayer.PlanAsync(_deadLetters, cancellationToken).ConfigureAwait(false);
        return plan.DeadLetters.SelectMany(deadLetter => deadLetter.Events).Where(e => e.SecretName is not null)
            .ToLookup(e => e.SecretName!, StringComparer.OrdinalIgnoreCase);
    }

    private static string Join(string? first, string second) => string.IsNullOrEmpty(first) ? second : $"{first}; {second}";
}
