using System.Collections.Concurrent;
using KvReplicator.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.Replication;

/// <summary>
/// The whole life of one secret version: read the secret's ledger record, read the version from the source,
/// take the secret's lock with the planned writes, write to the target, record what was done and free the
/// lock. Every path ends in a <see cref="ReplicationOutcome"/>; nothing escapes as an exception except
/// cancellation.
/// </summary>
/// <remarks>
/// Strict order by construction: a version becomes AWSCURRENT (or AWSPREVIOUS) only by a write decided and
/// made under the secret's lock, against the current and previous versions the ledger recorded under the
/// same lock, so no two handlers can interleave "which is newer?" and the write. An older version is written
/// with AWSPREVIOUS or the superseded label, never with AWSCURRENT. See docs/reliability.md.
/// </remarks>
internal sealed partial class SecretReplicator
{
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan LastPollDelay = TimeSpan.FromSeconds(1);
    private const int MaxRecordCache = 10_000;

    private static readonly Func<ILogger, string, IDisposable?> s_targetScope = LoggerMessage.DefineScope<string>("Target {KvrepTarget}");

    private readonly ISecretSource _source;
    private readonly ISecretTarget _target;
    private readonly IReplicationLedger _ledger;
    private readonly SecretNameMapper _names;
    private readonly ReplicationFilter _filter;
    private readonly ILogger<SecretReplicator> _logger;
    private readonly VersionCoalescer? _coalescer;
    private readonly IReplicationNotifier _notifier;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _lockDuration;
    private readonly TimeSpan _inFlightWait;
    private readonly string _holderId;
    private readonly string? _targetId;

    // Serialises this process's handlers of one secret, so that they queue in memory instead of racing for
    // the lock in Blob Storage, and the next one starts from the record the previous one committed.
    private readonly KeyedGate _secretGates = new();

    // Concurrent deliveries of one version in this process share one handling: duplicates cost no call.
    private readonly ConcurrentDictionary<string, Task<ReplicationOutcome>> _inFlight = new(StringComparer.Ordinal);

    // The last record this process read or wrote per secret: a version seen done needs no read again, and the
    // next lock is tried on the ETag we wrote (a stale one costs one read more, never a wrong decision).
    private readonly ConcurrentDictionary<string, LedgerRecord> _records = new(StringComparer.Ordinal);
    private readonly RememberedRecordOdds _rememberedOdds = new();

    /// <param name="coalescer">Leaves superseded versions of a secret out of AWS once it holds too many recent versions; null never does.</param>
    /// <param name="notifier">Told about every version written as current; null tells no one.</param>
    /// <param name="timeProvider">The clock locks are measured with; the system clock when null.</param>
    /// <param name="targetId">
    /// The AWS target this replicator writes to, which scopes its ledger records (<see cref="LedgerKey.TargetId"/>):
    /// each target is exactly-once and ordered on its own. Null for the single, unnamed target.
    /// </param>
    public SecretReplicator(
        ISecretSource source,
        ISecretTarget target,
        IReplicationLedger ledger,
        IOptions<ReplicationOptions> options,
        ILogger<SecretReplicator> logger,
        VersionCoalescer? coalescer = null,
        IReplicationNotifier? notifier = null,
        TimeProvider? timeProvider = null,
        string? targetId = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _target = target ?? throw new ArgumentNullException(nameof(target));
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        ReplicationOptions value = options?.Value ?? throw new ArgumentNullException(nameof(options));
        _names = value.NameMapperFor(_source.VaultName);
        _filter = new ReplicationFilter(value);
        _lockDuration = value.LockDuration;
        _inFlightWait = value.InFlightWait;
        _coalescer = coalescer is { Enabled: true } ? coalescer : null;
        _notifier = notifier ?? NoOpReplicationNotifier.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _targetId = targetId;
        string instance = Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID") is { Length: > 0 } site ? site[..Math.Min(site.Length, 24)] : Environment.MachineName;
        _holderId = $"{instance}-{Environment.ProcessId}-{Guid.NewGuid():N}"[..Math.Min(instance.Length + 20, 96)];
    }

    /// <summary>The AWS target this replicator writes to; null for the single, unnamed one.</summary>
    public string? TargetId => _targetId;

    /// <summary>The vault this replicator reads; events from other vaults are rejected.</summary>
    public string VaultName => _source.VaultName;

    /// <summary>Replicates one version and says how it went.</summary>
    public Task<ReplicationOutcome> ReplicateAsync(SecretVersionRef version, CancellationToken cancellationToken = default) =>
        ReplicateAsync(version, options: null, cancellationToken);

    /// <summary>Replicates one version with what the caller knows of it, and says how it went.</summary>
    public async Task<ReplicationOutcome> ReplicateAsync(SecretVersionRef version, ReplicationRequestOptions? options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);

        // Several targets may hold a secret of the same name: every log line of this handling says which target it is about.
        using IDisposable? targetScope = _targetId is null ? null : s_targetScope(_logger, _targetId);
        string key = $"{version.VaultName}/{version.SecretName}/{version.Version}".ToLowerInvariant();
        var mine = new TaskCompletionSource<ReplicationOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        while (!_inFlight.TryAdd(key, mine.Task))
        {
            if (_inFlight.TryGetValue(key, out Task<ReplicationOutcome>? running))
            {
                return await JoinAsync(version, running, cancellationToken).ConfigureAwait(false);
            }
        }

        ReplicationOutcome outcome;
        try
        {
            outcome = await ReplicateCoreAsync(version, options, cancellationToken).ConfigureAwait(false);
            mine.SetResult(outcome);
        }
        catch (Exception ex)
        {
            mine.SetException(ex);
            throw;
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Task<ReplicationOutcome>>(key, mine.Task));
        }

        // Consumers refresh what is current; an older version stored beside it is nothing for them to fetch.
        if (outcome.MadeCurrent is { } current)
        {
            outcome = await NotifyAsync(outcome, current, cancellationToken).ConfigureAwait(false);
        }

        Log(outcome, version);
        return outcome;
    }

    /// <summary>A duplicate of a version being handled in this process answers with that handling's result.</summary>
    private async Task<ReplicationOutcome> JoinAsync(SecretVersionRef version, Task<ReplicationOutcome> running, CancellationToken cancellationToken)
    {
        ReplicationOutcome outcome;
        try
        {
            ReplicationOutcome first = await running.WaitAsync(cancellationToken).ConfigureAwait(false);
            outcome = first.Kind == ReplicationOutcomeKind.Replicated
                ? ReplicationOutcome.AlreadyDone(version, first.TargetName!)
                : first with { Version = version, Warning = null };
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            outcome = ReplicationOutcome.RetryLater(version, "a concurrent delivery of this version failed; retry");
        }

        Log(outcome, version);
        return outcome;
    }

    private async Task<ReplicationOutcome> ReplicateCoreAsync(SecretVersionRef version, ReplicationRequestOptions? options, CancellationToken cancellationToken)
    {
        if (!string.Equals(version.VaultName, _source.VaultName, StringComparison.OrdinalIgnoreCase))
        {
            // A subscription pointed at the wrong replicator: dead-letter it so an operator sees it.
            return ReplicationOutcome.Rejected(version, $"event is from vault '{version.VaultName}', this replicator reads '{_source.VaultName}'");
        }

        if (_filter.ExcludeByName(version.SecretName) is { } excludedByName)
        {
            return ReplicationOutcome.Skipped(version, excludedByName);
        }

        string? targetName = _names.TryMap(version.SecretName, out string? rejection);
        if (targetName is null)
        {
            return ReplicationOutcome.Rejected(version, rejection!);
        }

        var key = new LedgerKey(version.VaultName, version.SecretName, _targetId);
        try
        {
            // A done version costs one read of the record, or none when this process saw it done. A new version
            // starts from the record this process last read or wrote when it shows no lock: its lock is then tried
            // on that ETag, which a store changed since (another instance) refuses, and the read comes after all.
            // A stale record costs a refused write more, never a wrong decision: nothing is written on it; where
            // other instances keep writing this process's secrets, the odds say so and the record is read first.
            LedgerRecord? cached = Cached(key);
            bool onRemembered = false;
            LedgerRecord record;
            if (cached?.State?.IsDone(version.Version) == true)
            {
                record = cached;
            }
            else if (cached is { State.Lock: null } && _rememberedOdds.ShouldTry())
            {
                record = cached;
                onRemembered = true;
            }
            else
            {
                record = await ReadRecordAsync(key, cancellationToken).ConfigureAwait(false);
            }
            if (record.State?.IsDone(version.Version) == true && options?.Reconcile != true && !HoldsStaleLock(record.State))
            {
                return ReplicationOutcome.AlreadyDone(version, targetName);
            }

            using IDisposable? gate = await _secretGates.TryEnterAsync(key.RecordName, _inFlightWait, _timeProvider, cancellationToken).ConfigureAwait(false);
            if (gate is null)
            {
                return ReplicationOutcome.RetryLater(version, "other versions of this secret are being written; retry", targetName);
            }

            // The handler before us in this process may have committed since our read: start from its record.
            return await ReplicateUnderGateAsync(version, targetName, key, Cached(key) ?? record, onRemembered, options, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return FromException(version, targetName, "replication", ex);
        }
    }

    /// <param name="onRemembered">The record is this process's memory, not a read: a lock tried on it tells <see cref="RememberedRecordOdds"/> how that went.</param>
    private async Task<ReplicationOutcome> ReplicateUnderGateAsync(
        SecretVersionRef version, string targetName, LedgerKey key, LedgerRecord record, bool onRemembered, ReplicationRequestOptions? options, CancellationToken cancellationToken)
    {
        LedgerRecord? remembered = onRemembered ? record : null;
        var reads = new SourceReads(_source, version.SecretName);
        DateTimeOffset waitUntil = _timeProvider.GetUtcNow() + _inFlightWait;
        TimeSpan pollDelay = FirstPollDelay;
        bool ownLockReadAgain = false;
        bool planned = false;
        for (int round = 0; round < 64; round++)
        {
            SecretLedgerState state = record.State ?? SecretLedgerState.Empty(key);
            if (state.IsDone(version.Version) && options?.Reconcile != true)
            {
                if (HoldsStaleLock(state))
                {
                    // A dead handler's lock: the next delivery of any version of the secret takes it over, even one
                    // already done, so that what the intent wrote is recorded and nothing waits for the lock.
                    LogTakenOver(version.SecretName, state.Lock!.Holder, state.Lock.Intent.Count);
                    LedgerRecord? cleaned = await _ledger.TryWriteAsync(key, await RecoverAsync(state, targetName, cancellationToken).ConfigureAwait(false), record.ETag, cancellationToken).ConfigureAwait(false);
                    if (cleaned is null)
                    {
                        record = await ReadRecordAsync(key, cancellationToken).ConfigureAwait(false);
                        continue;
                    }

                    Remember(cleaned);
                }

                return ReplicationOutcome.AlreadyDone(version, targetName);
            }

            DateTimeOffset now = _timeProvider.GetUtcNow();
            if (state.Lock is { } held && held.Holder != _holderId && now < held.Until)
            {
                // Another instance writes this secret (perhaps this very version): wait for it rather than
                // answer "retry later", as long as Event Grid's patience allows.
                if (now >= waitUntil)
                {
                    return ReplicationOutcome.RetryLater(version, "another instance is writing this secret; retry", targetName);
                }

                await Task.Delay(pollDelay, _timeProvider, cancellationToken).ConfigureAwait(false);
                pollDelay = TimeSpan.FromTicks(Math.Min(pollDelay.Ticks * 2, LastPollDelay.Ticks));
                record = await ReadRecordAsync(key, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (state.Lock is { } own && own.Holder == _holderId && !ownLockReadAgain)
            {
                // This process's own lock, while its gate says none of its handlers writes the secret: the record
                // was read before our last handler freed the lock (a late answer can even replace the newer one
                // remembered). Read it again rather than take our own lock for a dead handler's.
                ownLockReadAgain = true;
                record = await ReadRecordAsync(key, cancellationToken).ConfigureAwait(false);
                continue;
            }

            string? recoveredCurrent = null;
            if (state.Lock is { } expired)
            {
                // Its holder died (or overran it) after perhaps writing some of what it planned. A version it made
                // current never reached consumers: this handling tells them, as it completes the dead one's work.
                LogTakenOver(version.SecretName, expired.Holder, expired.Intent.Count);
                state = await RecoverAsync(state, targetName, cancellationToken).ConfigureAwait(false);
                recoveredCurrent = expired.Intent.FirstOrDefault(write => write.Stage == TargetVersionStage.Current
                    && string.Equals(write.Id, state.Current?.Id, StringComparison.OrdinalIgnoreCase) && state.IsDone(write.Id))?.Id;
            }

            // Reconcile trusts Key Vault's latest over the record, so after a lost race for the lock its latest is
            // read again: the first read may predate a newer version another handler made current meanwhile. The
            // event path keeps its read, which only decides a write-ahead the record's current version bounds.
            bool reconcile = options?.Reconcile == true;
            WritePlan plan = await PlanAsync(
                version, options?.AnnouncedOn, targetName, state, reads, reconcile, refreshLatest: reconcile && planned, cancellationToken).ConfigureAwait(false);
            planned = true;
            if (plan.Finished is { } finished)
            {
                return finished;
            }

            SecretLedgerState locked = plan.Writes.Count == 0
                ? plan.Apply(state, _timeProvider.GetUtcNow()) // only a record to make (coalesced): no lock needed
                : state with { Lock = new SecretLock(_holderId, now + _lockDuration, plan.Intent) };
            LedgerRecord? written = await _ledger.TryWriteAsync(key, locked, record.ETag, cancellationToken).ConfigureAwait(false);
            if (ReferenceEquals(record, remembered))
            {
                _rememberedOdds.Record(refused: written is null);
            }

            if (written is null)
            {
                // Someone changed the record since we read it: read it again and plan again.
                record = await ReadRecordAsync(key, cancellationToken).ConfigureAwait(false);
                continue;
            }

            Remember(written);
            ReplicationOutcome outcome = plan.Writes.Count == 0
                ? plan.Outcome(version, default)
                : await WriteUnderLockAsync(version, key, written, plan, reads, options, cancellationToken).ConfigureAwait(false);
            return outcome is { Kind: ReplicationOutcomeKind.Replicated, MadeCurrent: null } && recoveredCurrent is not null
                ? outcome with { MadeCurrent = recoveredCurrent }
                : outcome;
        }

        return ReplicationOutcome.RetryLater(version, "the secret's ledger record kept changing; retry", targetName);
    }

    /// <summary>
    /// Decides what to write, from the ledger's current and previous versions and at most two Key Vault reads.
    /// A version announced before the current one was created needs only its own read; otherwise the latest
    /// version is read first, which is the event's own version in the usual case.
    /// </summary>
    /// <param name="reconcile">
    /// Sync: Key Vault's latest version is written (or its stage checked) even when the record says it is done,
    /// and nothing is coalesced, because AWS may have drifted from the record; the record's current version still
    /// says where AWSPREVIOUS goes when AWSCURRENT moves.
    /// </param>
    /// <param name="refreshLatest">Read the latest version again even if this handling read it before.</param>
    private async Task<WritePlan> PlanAsync(
        SecretVersionRef version, DateTimeOffset? announcedOn, string targetName, SecretLedgerState state, SourceReads reads, bool reconcile, bool refreshLatest,
        CancellationToken cancellationToken)
    {
        LedgerVersion? current = state.Current;
        SourceSecretVersion? secret = null;
        if (current is not null && !reconcile && announcedOn is { } announced && announced < current.Created)
        {
            SourceReadResult own = await reads.VersionAsync(version.Version, cancellationToken).ConfigureAwait(false);
            if (Unreadable(own, version, targetName) is { } skipped)
            {
                return WritePlan.Finish(skipped);
            }

            secret = own.Secret!;
            if (Order(secret, current, latestId: null) >= 0)
            {
                secret = null; // the hint misled: find out which version is the latest
            }
        }

        SourceSecretVersion? latest = null;
        if (secret is null)
        {
            SourceReadResult latestRead = await reads.LatestEnabledAsync(refreshLatest, cancellationToken).ConfigureAwait(false);
            if (latestRead.Status == SourceReadStatus.Found && current is not null && latestRead.Secret!.Version != current.Id
                && latestRead.Secret.CreatedOn == current.Created)
            {
                // Same second as the current version: only a read made after the record was read tells which is newer.
                latestRead = await reads.LatestEnabledAsync(refresh: true, cancellationToken).ConfigureAwait(false);
            }

            switch (latestRead.Status)
            {
                case SourceReadStatus.NotFound:
                    // Deleted or disabled since the event: writing now could put an older value over a newer one.
                    // Sync applies the deletion policy, and a re-enabled secret is replicated then. The version's
                    // own read says which, when it is the reason.
                    return WritePlan.Finish(
                        Unreadable(await reads.VersionAsync(version.Version, cancellationToken).ConfigureAwait(false), version, targetName)
                        ?? ReplicationOutcome.Skipped(version, "secret no longer has an enabled version in Key Vault", targetName));
                case SourceReadStatus.Managed:
                    return WritePlan.Finish(ReplicationOutcome.Skipped(version, "secret backs a Key Vault certificate; its private key stays in Key Vault", targetName));
            }

            latest = latestRead.Secret!;
            if (string.Equals(latest.Version, version.Version, StringComparison.OrdinalIgnoreCase))
            {
                secret = latest;
            }
            else
            {
                SourceReadResult own = await reads.VersionAsync(version.Version, cancellationToken).ConfigureAwait(false);
                if (Unreadable(own, version, targetName) is { } skipped)
                {
                    return WritePlan.Finish(skipped);
                }

                secret = own.Secret!;
            }
        }

        // The opt-in tag lives on the version, so it can only be checked once the version is read.
        if (_filter.Exclude(secret.Name, secret.Tags) is { } excluded)
        {
            return WritePlan.Finish(ReplicationOutcome.Skipped(version, excluded, targetName));
        }

        // Key Vault's own name is canonical: the event may spell a case-insensitive name differently.
        if (!string.Equals(secret.Name, version.SecretName, StringComparison.Ordinal))
        {
            targetName = _names.TryMap(secret.Name, out string? rejection) ?? throw new SecretStoreException(rejection!, isTransient: false);
        }

        return Plan(secret, latest, targetName, state, reconcile);
    }

    private WritePlan Plan(SourceSecretVersion secret, SourceSecretVersion? latest, string targetName, SecretLedgerState state, bool reconcile)
    {
        string? latestId = latest?.Version;
        LedgerVersion? current = state.Current;
        LedgerVersion? previous = state.Previous;
        var writes = new List<PlannedVersionWrite>(2);

        // An overtaken version: the newest version is written first (exactly what its own event would do, with
        // the same idempotency token), so the older one is never current even for a moment. Its own event
        // then finds it done. A newest version the filters exclude is not replicated at all. Sync writes (or
        // checks) Key Vault's latest whatever the record says, even one older than the recorded current (the
        // newest was disabled).
        if (latest is not null && latestId != secret.Version
            && _filter.Exclude(latest.Name, latest.Tags) is null
            && (reconcile || (!state.IsDone(latest.Version) && (current is null || Order(latest, current, latestId) > 0))))
        {
            writes.Add(new PlannedVersionWrite(latest, TargetVersionStage.Current));

            // AWS moves AWSPREVIOUS to the version that held AWSCURRENT.
            if (current is not null && !string.Equals(current.Id, latest.Version, StringComparison.OrdinalIgnoreCase))
            {
                previous = current;
            }

            current = ToLedger(latest);
        }

        TargetVersionStage stage;
        if (current is null || Order(secret, current, latestId) > 0 || (reconcile && string.Equals(latestId, secret.Version, StringComparison.OrdinalIgnoreCase)))
        {
            stage = TargetVersionStage.Current;
        }
        else if (string.Equals(current.Id, secret.Version, StringComparison.OrdinalIgnoreCase)
            || (previous is not null && string.Equals(previous.Id, secret.Version, StringComparison.OrdinalIgnoreCase)))
        {
            // Recovered from a crash: AWS holds it already with its stage; only the record is missing.
            TargetVersionStage held = string.Equals(current.Id, secret.Version, StringComparison.OrdinalIgnoreCase) ? TargetVersionStage.Current : TargetVersionStage.Previous;
            return new WritePlan(secret, targetName, writes, held, RecordOnly: true, CoalescedInto: null, CoalescedReason: null);
        }
        else
        {
            stage = previous is null || Order(secret, previous, latestId) > 0 ? TargetVersionStage.Previous : TargetVersionStage.Superseded;
            // Sync writes what it converges: coalescing counts the record's done versions, which a reconcile does not take on trust.
            if (!reconcile && _coalescer?.Decide(state, current.Id) is { Coalesce: true } decision)
            {
                return new WritePlan(secret, targetName, writes, stage, RecordOnly: false, CoalescedInto: current.Id, CoalescedReason: decision.Reason);
            }
        }

        writes.Add(new PlannedVersionWrite(secret, stage));
        return new WritePlan(secret, targetName, writes, stage, RecordOnly: false, CoalescedInto: null, CoalescedReason: null);
    }

    private async Task<ReplicationOutcome> WriteUnderLockAsync(
        SecretVersionRef version, LedgerKey key, LedgerRecord locked, WritePlan plan, SourceReads reads, ReplicationRequestOptions? options, CancellationToken cancellationToken)
    {
        SecretLedgerState progress = locked.State!;
        string etag = locked.ETag!;
        var done = new WriteSummary();
        var writtenHere = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        try
        {
            for (int attempt = 0; ; attempt++)
            {
                bool targetMissing = false;
                foreach (PlannedVersionWrite write in plan.Writes)
                {
                    if (writtenHere.Contains(write.Secret.Version))
                    {
                        continue; // planned again after the target went missing, but already written by this handling
                    }

                    (progress, etag) = await EnsureLockLeftAsync(key, progress, etag, cancellationToken).ConfigureAwait(false);
                    TimeSpan left = progress.Lock!.Until - _timeProvider.GetUtcNow();

                    // No write may outlive the lock: a handler that takes the lock over after it expires must find
                    // nothing of ours still on its way to AWS.
                    using var budget = new CancellationTokenSource(left - (_lockDuration / 6), _timeProvider);
                    using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, budget.Token);
                    TargetWriteResult result = await _target.WriteAsync(
                        new TargetSecretWrite
                        {
                            TargetName = plan.TargetName,
                            VersionId = write.Secret.Version,
                            Value = write.Secret.Value,
                            Stage = write.Stage,
                            Source = write.Secret,
                            TargetKnownOwned = options?.Reconcile != true && progress.OwnershipVerifiedOn is not null && progress.Target == plan.TargetName,
                            AdoptForeign = options?.AdoptForeign == true,
                            VerifyTarget = options?.Reconcile == true,
                        },
                        linked.Token).ConfigureAwait(false);
                    if (result.TargetMissing)
                    {
                        targetMissing = true;
                        break;
                    }

                    done.Add(result);
                    ReplicationTelemetry.VersionWritten(write.Secret.CreatedOn, _timeProvider.GetUtcNow(), byReconcile: options?.Reconcile == true);
                    writtenHere.Add(write.Secret.Version);
                    progress = Record(progress, write, plan.TargetName, result);
                }

                if (!targetMissing)
                {
                    break;
                }

                if (attempt > 0)
                {
                    throw new SecretStoreException($"Secrets Manager target '{plan.TargetName}' vanished twice while being written; retry", isTransient: true, "TargetMissing");
                }

                // The target is gone (or was never ours to assume): forget what we knew of it and plan again under
                // the lock we hold, which writes the newest version first so that it is the one AWS makes current.
                LogTargetMissing(plan.TargetName);
                progress = WithoutTarget(progress);
                plan = await PlanAsync(version, announcedOn: null, plan.TargetName, progress, reads, options?.Reconcile == true, refreshLatest: false, cancellationToken).ConfigureAwait(false);
                if (plan.Finished is { } finished)
                {
                    await ReleaseAsync(key, progress, etag).ConfigureAwait(false);
                    return finished;
                }

                (progress, etag) = await RenewAsync(key, progress with { Lock = progress.Lock! with { Intent = plan.Intent } }, etag, cancellationToken).ConfigureAwait(false);
            }

            SecretLedgerState committed = plan.Apply(progress, _timeProvider.GetUtcNow()) with { Lock = null };
            LedgerRecord? record = await _ledger.TryWriteAsync(key, committed, etag, cancellationToken).ConfigureAwait(false);
            if (record is null && await StillLockedByUsAsync(key, progress.Lock!, cancellationToken).ConfigureAwait(false) is { } unchanged)
            {
                // Refused although nobody took the lock over (a request retried after its answer was lost, a 412
                // from a hop): the record still shows this very lock, so commit on its current ETag. Answering
                // "done" while leaving the lock would block the secret until it expired (the chaos run found it).
                record = await _ledger.TryWriteAsync(key, committed, unchanged.ETag, cancellationToken).ConfigureAwait(false);
            }

            if (record is null)
            {
                // Our lock expired and another handler took it over: it learned from AWS what we wrote (our
                // intent told it where to look) and records it. A coalesced version was written nowhere, so
                // only a redelivery can record it: answering "done" would lose it (the chaos run found this).
                LogLockLost(version.SecretName, version.Version);
                if (plan.CoalescedInto is not null)
                {
                    return ReplicationOutcome.RetryLater(version, "the lock on this secret was taken over before the version was recorded; retry", plan.TargetName);
                }
            }
            else
            {
                Remember(record);
            }

            return plan.Outcome(version, done);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await ReleaseAsync(key, progress, etag).ConfigureAwait(false);
            throw;
        }
        catch (Exception ex)
        {
            // What was written is recorded and the lock freed, so the next delivery carries on at once. A newer
            // version already made current ahead of this one is done, so no later delivery would tell consumers.
            await ReleaseAsync(key, progress, etag).ConfigureAwait(false);
            return FromException(version, plan.TargetName, "replication", ex) with
            {
                MadeCurrent = plan.Writes.FirstOrDefault(write => write.Stage == TargetVersionStage.Current && writtenHere.Contains(write.Secret.Version))?.Secret.Version,
            };
        }
    }

    /// <summary>The record after one write, moving the stages the way Secrets Manager moved them.</summary>
    private SecretLedgerState Record(SecretLedgerState state, PlannedVersionWrite write, string targetName, TargetWriteResult result)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        LedgerVersion version = ToLedger(write.Secret);
        SecretLedgerState next = state.WithDone(new LedgerDoneVersion(version.Id, version.Created, now)) with
        {
            Secret = write.Secret.Name,
            Target = targetName,
            OwnershipVerifiedOn = result.OwnershipVerified ? now : state.OwnershipVerifiedOn,
        };
        return write.Stage switch
        {
            // AWS moves AWSPREVIOUS to the version that held AWSCURRENT; a new secret has none, and a version
            // made current again (sync) leaves AWSPREVIOUS where it was.
            TargetVersionStage.Current => next with
            {
                Current = version,
                Previous = result.CreatedSecret ? null
                    : state.Current is { } replaced && !string.Equals(replaced.Id, version.Id, StringComparison.OrdinalIgnoreCase) ? replaced
                    : state.Previous,
            },
            TargetVersionStage.Previous => next with { Previous = version },
            _ => next,
        };
    }

    /// <summary>
    /// A handler died holding the lock. Its intent names the versions it may have written; AWS's version
    /// stages say which it did and where AWSCURRENT and AWSPREVIOUS are. One DescribeSecret, after crashes only.
    /// </summary>
    private async Task<SecretLedgerState> RecoverAsync(SecretLedgerState state, string targetName, CancellationToken cancellationToken)
    {
        IReadOnlyList<LedgerPlannedWrite> intent = state.Lock?.Intent ?? [];
        if (intent.Count == 0)
        {
            return state with { Lock = null };
        }

        TargetSecretSummary? target = await _target.DescribeAsync(targetName, cancellationToken).ConfigureAwait(false);
        if (target is null)
        {
            return WithoutTarget(state) with { Lock = null };
        }

        DateTimeOffset now = _timeProvider.GetUtcNow();
        SecretLedgerState recovered = state with { Lock = null };
        if (state.OwnershipVerifiedOn is null && target is { IsOwned: true, ScheduledForDeletion: false } && target.IsFrom(state.Vault, state.Secret))
        {
            // The dead handler created it (or verified it) and died before recording so: the description just
            // read proves it, which spares the next write a DescribeSecret of its own.
            recovered = recovered with { OwnershipVerifiedOn = now, Target = targetName };
        }

        var known = new List<LedgerVersion>();
        if (state.Current is not null)
        {
            known.Add(state.Current);
        }

        if (state.Previous is not null)
        {
            known.Add(state.Previous);
        }

        foreach (LedgerPlannedWrite write in intent)
        {
            known.Add(new LedgerVersion(write.Id, write.Created));
            if (target.VersionIds.Contains(write.Id))
            {
                recovered = recovered.WithDone(new LedgerDoneVersion(write.Id, write.Created, now));
            }
        }

        // Where AWSCURRENT is a version we know, that is the current one. Otherwise (changed behind our back)
        // the newest version we know AWS holds: nothing older than it may be made current.
        LedgerVersion? current = known.FirstOrDefault(v => string.Equals(v.Id, target.CurrentVersionId, StringComparison.OrdinalIgnoreCase))
            ?? known.Where(v => target.VersionIds.Contains(v.Id)).OrderByDescending(v => v.Created).FirstOrDefault();
        LedgerVersion? previous = known.FirstOrDefault(v => string.Equals(v.Id, target.PreviousVersionId, StringComparison.OrdinalIgnoreCase)) ?? state.Previous;
        return recovered with { Current = current, Previous = previous };
    }

    /// <summary>
    /// What the record still says once AWS has no target (deleted behind our back): nothing. The done versions
    /// go too: AWS holds none of them, and a newest version still listed as done would not be written ahead,
    /// so an older one would become current.
    /// </summary>
    private static SecretLedgerState WithoutTarget(SecretLedgerState state) =>
        state with { Current = null, Previous = null, OwnershipVerifiedOn = null, Done = [] };

    private async Task<(SecretLedgerState State, string ETag)> EnsureLockLeftAsync(LedgerKey key, SecretLedgerState state, string etag, CancellationToken cancellationToken)
    {
        TimeSpan left = state.Lock!.Until - _timeProvider.GetUtcNow();
        return left >= _lockDuration / 3 ? (state, etag) : await RenewAsync(key, state, etag, cancellationToken).ConfigureAwait(false);
    }

    private async Task<(SecretLedgerState State, string ETag)> RenewAsync(LedgerKey key, SecretLedgerState state, string etag, CancellationToken cancellationToken)
    {
        SecretLedgerState renewed = state with { Lock = state.Lock! with { Until = _timeProvider.GetUtcNow() + _lockDuration } };
        LedgerRecord written = await _ledger.TryWriteAsync(key, renewed, etag, cancellationToken).ConfigureAwait(false)
            ?? throw new SecretStoreException("the lock on this secret expired and was taken over before the write; retry", isTransient: true, "LockLost");
        Remember(written);
        return (renewed, written.ETag!);
    }

    /// <summary>The record as it is now when it still shows <paramref name="ours"/> (same holder, same expiry), else null.</summary>
    private async Task<LedgerRecord?> StillLockedByUsAsync(LedgerKey key, SecretLock ours, CancellationToken cancellationToken)
    {
        LedgerRecord current = await ReadRecordAsync(key, cancellationToken).ConfigureAwait(false);
        return current.State?.Lock is { } held && held.Holder == _holderId && held.Until == ours.Until ? current : null;
    }

    /// <summary>Records what was written and frees the lock. Best effort: an unreleased lock expires on its own.</summary>
    private async Task ReleaseAsync(LedgerKey key, SecretLedgerState progress, string etag)
    {
        try
        {
            // Not the caller's token: a cancelled handler must still give its lock back.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), _timeProvider);
            if (await _ledger.TryWriteAsync(key, progress with { Lock = null }, etag, timeout.Token).ConfigureAwait(false) is { } record)
            {
                Remember(record);
            }
        }
        catch (Exception ex)
        {
            LogReleaseFailed(key.SecretName, ex.GetType().Name);
        }
    }

    private async Task<LedgerRecord> ReadRecordAsync(LedgerKey key, CancellationToken cancellationToken)
    {
        LedgerRecord record = await _ledger.ReadAsync(key, cancellationToken).ConfigureAwait(false);
        Remember(record);
        return record;
    }

    /// <summary>
    /// A lock no live handler holds: expired, or this process's own (handlers of one secret in this process take
    /// turns at the gate, so one that finds this process's lock holds the gate and the lock is a dead handler's).
    /// Outside the gate it only sends the caller into the gate, which is harmless.
    /// </summary>
    private bool HoldsStaleLock(SecretLedgerState state) =>
        state.Lock is { } held && (held.Holder == _holderId || _timeProvider.GetUtcNow() >= held.Until);

    private LedgerRecord? Cached(LedgerKey key) => _records.TryGetValue(key.RecordName, out LedgerRecord? record) ? record : null;

    private void Remember(LedgerRecord record)
    {
        if (_records.Count >= MaxRecordCache)
        {
            // Bounded memory; a forgotten record costs one read.
            _records.Clear();
        }

        _records[record.Key.RecordName] = record;
    }

    /// <summary>
    /// Positive when <paramref name="a"/> is newer than <paramref name="b"/>. Key Vault dates versions to the
    /// second, so versions of the same second are ordered only when one of them is known to be the latest;
    /// otherwise they compare equal, which never moves a stage.
    /// </summary>
    private static int Order(SourceSecretVersion a, LedgerVersion b, string? latestId)
    {
        if (string.Equals(a.Version, b.Id, StringComparison.OrdinalIgnoreCase))
        {
            return 0;
        }

        int byTime = ToLedger(a).Created.CompareTo(b.Created);
        if (byTime != 0)
        {
            return byTime;
        }

        return string.Equals(latestId, a.Version, StringComparison.OrdinalIgnoreCase) ? 1
            : string.Equals(latestId, b.Id, StringComparison.OrdinalIgnoreCase) ? -1
            : 0;
    }

    private static LedgerVersion ToLedger(SourceSecretVersion version) => new(version.Version, version.CreatedOn ?? DateTimeOffset.MinValue);

    private static ReplicationOutcome? Unreadable(SourceReadResult read, SecretVersionRef version, string targetName) => read.Status switch
    {
        SourceReadStatus.NotFound => ReplicationOutcome.Skipped(version, "version no longer exists in Key Vault", targetName),
        SourceReadStatus.Disabled => ReplicationOutcome.Skipped(version, "version is disabled in Key Vault", targetName),
        SourceReadStatus.Managed => ReplicationOutcome.Skipped(version, "secret backs a Key Vault certificate; its private key stays in Key Vault", targetName),
        _ => null,
    };

    /// <summary>
    /// The version is written and recorded before consumers hear of it, so a notification failure can never
    /// lose or repeat the replication. The notifier retries; what still fails is reported as a warning, not
    /// as a failed delivery: a redelivery would find the version done and could not notify anyway.
    /// </summary>
    private async Task<ReplicationOutcome> NotifyAsync(ReplicationOutcome outcome, string currentVersion, CancellationToken cancellationToken)
    {
        try
        {
            await _notifier.NotifyAsync(new ReplicationNotification(outcome.TargetName!, currentVersion), cancellationToken).ConfigureAwait(false);
            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            string detail = SafeFailure.Describe(ex).Detail;
            LogNotificationFailed(outcome.TargetName!, currentVersion, detail);
            ReplicationTelemetry.NotificationFailed();
            return outcome with { Warning = $"replicated, but the consumer notification failed: {detail}" };
        }
    }

    private static ReplicationOutcome FromException(SecretVersionRef version, string targetName, string step, Exception ex)
    {
        (bool transient, string detail) = SafeFailure.Describe(ex);
        string reason = $"{step} failed: {detail}";
        ReplicationOutcome outcome = transient
            ? ReplicationOutcome.RetryLater(version, reason, targetName)
            : ReplicationOutcome.Rejected(version, reason, targetName);
        return outcome with { ErrorCode = (ex as SecretStoreException)?.ErrorCode };
    }

    private void Log(ReplicationOutcome outcome, SecretVersionRef version)
    {
        if (outcome.Kind is ReplicationOutcomeKind.RetryLater or ReplicationOutcomeKind.Rejected)
        {
            LogFailedOutcome(outcome.Kind, version.VaultName, version.SecretName, version.Version, outcome.TargetName ?? "-", outcome.Reason ?? "-");
        }
        else if (outcome.Reason is null)
        {
            LogOutcome(outcome.Kind, version.VaultName, version.SecretName, version.Version, outcome.TargetName ?? "-");
        }
        else
        {
            LogOutcomeWithReason(outcome.Kind, version.VaultName, version.SecretName, version.Version, outcome.TargetName ?? "-", outcome.Reason);
        }
    }

    /// <summary>The writes one handling plans under the lock, and how its outcome reads.</summary>
    private sealed record WritePlan(
        SourceSecretVersion? Secret, string TargetName, IReadOnlyList<PlannedVersionWrite> Writes, TargetVersionStage Stage, bool RecordOnly, string? CoalescedInto, string? CoalescedReason)
    {
        public ReplicationOutcome? Finished { get; private init; }

        public static WritePlan Finish(ReplicationOutcome outcome) =>
            new(null, outcome.TargetName ?? string.Empty, [], TargetVersionStage.Superseded, false, null, null) { Finished = outcome };

        public IReadOnlyList<LedgerPlannedWrite> Intent =>
            [.. Writes.Select(write => new LedgerPlannedWrite(write.Secret.Version, ToLedger(write.Secret).Created, write.Stage))];

        /// <summary>The record's changes beyond the writes themselves: a coalesced or recovered version is recorded done.</summary>
        public SecretLedgerState Apply(SecretLedgerState state, DateTimeOffset now)
        {
            if (Secret is null || (!RecordOnly && CoalescedInto is null))
            {
                return state;
            }

            LedgerVersion version = ToLedger(Secret);
            return state.WithDone(new LedgerDoneVersion(version.Id, version.Created, now, CoalescedInto));
        }

        /// <summary>The version this plan makes AWSCURRENT: a newer one written ahead, the event's own, or its own found current after a crash.</summary>
        private string? MadeCurrent =>
            Writes.FirstOrDefault(write => write.Stage == TargetVersionStage.Current)?.Secret.Version
            ?? (RecordOnly && Stage == TargetVersionStage.Current ? Secret!.Version : null);

        public ReplicationOutcome Outcome(SecretVersionRef version, WriteSummary? summary) =>
            CoalescedInto is not null
                ? ReplicationOutcome.Skipped(version, CoalescedReason!, TargetName) with { Superseded = true, CoalescedInto = CoalescedInto, MadeCurrent = MadeCurrent }
                : new ReplicationOutcome
                {
                    Kind = ReplicationOutcomeKind.Replicated,
                    Version = version,
                    TargetName = TargetName,
                    CreatedTarget = summary?.Created == true,
                    RestoredTarget = summary?.Restored == true,
                    Superseded = Stage != TargetVersionStage.Current,
                    MadeCurrent = MadeCurrent,
                };
    }

    private sealed record PlannedVersionWrite(SourceSecretVersion Secret, TargetVersionStage Stage);

    private sealed class WriteSummary
    {
        public bool Created { get; private set; }

        public bool Restored { get; private set; }

        public void Add(TargetWriteResult result)
        {
            Created |= result.CreatedSecret;
            Restored |= result.RestoredSecret;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Replication {Outcome} for {VaultName}/{SecretName} version {SecretVersion} → {TargetName}")]
    private partial void LogOutcome(ReplicationOutcomeKind outcome, string vaultName, string secretName, string secretVersion, string targetName);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information,
        Message = "Replication {Outcome} for {VaultName}/{SecretName} version {SecretVersion} → {TargetName}: {Reason}")]
    private partial void LogOutcomeWithReason(ReplicationOutcomeKind outcome, string vaultName, string secretName, string secretVersion, string targetName, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning,
        Message = "Replication {Outcome} for {VaultName}/{SecretName} version {SecretVersion} → {TargetName}: {Reason}")]
    private partial void LogFailedOutcome(ReplicationOutcomeKind outcome, string vaultName, string secretName, string secretVersion, string targetName, string reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "The lock on {SecretName} expired before version {SecretVersion} was recorded; the handler that took it over records what reached AWS")]
    private partial void LogLockLost(string secretName, string secretVersion);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "Could not free the lock on {SecretName} ({ErrorType}); it expires on its own")]
    private partial void LogReleaseFailed(string secretName, string errorType);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning,
        Message = "Took over the expired lock on {SecretName} from {PreviousHolder}, which planned {PlannedWrites} writes; checking AWS for what reached it")]
    private partial void LogTakenOver(string secretName, string previousHolder, int plannedWrites);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "{TargetName} version {SecretVersion} is replicated, but consumers were not notified: {Detail}")]
    private partial void LogNotificationFailed(string targetName, string secretVersion, string detail);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning,
        Message = "Secrets Manager target {TargetName} is gone or holds no current version; writing the newest version first")]
    private partial void LogTargetMissing(string targetName);
}
