using System.Runtime.CompilerServices;
using System.Threading.RateLimiting;
using KvReplicator.Replication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.Reconciliation;

/// <summary>
/// Repairs what events never announce: lists the vault and the replicated AWS secrets, plans per secret
/// (<see cref="DriftPlanner"/>) and converges through the same <see cref="ISecretTarget"/> the event pipeline
/// writes with, so re-running is a no-op (the version id is the write's idempotency token) and a second run
/// makes no write at all. Entry point of <c>kvrep sync</c>, <c>kvrep verify</c> and the Functions timer.
/// </summary>
/// <remarks>
/// Writes are rate limited (a token bucket, <see cref="ReconcileOptions.MaxWritesPerSecond"/>) so a large
/// vault does not exhaust the AWS write quota the event path shares; the client's own retries back off on
/// throttling. A failed secret is reported and left for the next run; it never stops the others.
/// </remarks>
public sealed partial class SecretReconciler
{
    private readonly ISecretSource _source;
    private readonly ISecretTarget _target;
    private readonly SecretReplicator? _replicator;
    private readonly ReconcileOptions _options;
    private readonly SecretNameMapper _names;
    private readonly ReplicationFilter _filter;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SecretReconciler> _logger;

    public SecretReconciler(
        ISecretSource source,
        ISecretTarget target,
        IOptions<ReplicationOptions> replicationOptions,
        IOptions<ReconcileOptions> options,
        TimeProvider timeProvider,
        ILogger<SecretReconciler> logger,
        SecretReplicator? replicator = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _target = target ?? throw new ArgumentNullException(nameof(target));
        _replicator = replicator;
        _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
        ReplicationOptions replication = replicationOptions?.Value ?? throw new ArgumentNullException(nameof(replicationOptions));
        _names = new SecretNameMapper(replication.TargetPrefix);
        _filter = new ReplicationFilter(replication);
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Compares every replicated secret with its source and, unless <see cref="ReconcileRequest.DryRun"/>, converges it.</summary>
    /// <exception cref="SecretStoreException">Listing the vault or the target failed; nothing was written.</exception>
    public async Task<ReconcileReport> ReconcileAsync(ReconcileRequest request, IProgress<ReconcileProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        DateTimeOffset startedAt = _timeProvider.GetUtcNow();

        var sources = new List<SourceSecretSummary>();
        await foreach (SourceSecretSummary source in _source.ListSecretsAsync(cancellationToken).ConfigureAwait(false))
        {
            sources.Add(source);
        }

        var targets = new Dictionary<string, TargetSecretSummary>(StringComparer.Ordinal);
        await foreach (TargetSecretSummary target in _target.ListSecretsAsync(_names.Prefix, cancellationToken).ConfigureAwait(false))
        {
            targets[target.Name] = target;
        }

        List<Func<Run, Task<ReconcileItem>>> work = PlanWork(sources, targets);
        var items = new ReconcileItem[work.Count];
        int completed = 0;
        using var limiter = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = _options.MaxWritesPerSecond,
            TokensPerPeriod = _options.MaxWritesPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
        var run = new Run(request, limiter);

        await Parallel.ForEachAsync(
            Enumerable.Range(0, work.Count),
            new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                items[index] = await work[index](run with { CancellationToken = token }).ConfigureAwait(false);
                progress?.Report(new ReconcileProgress(Interlocked.Increment(ref completed), work.Count, items[index].TargetName));
            }).ConfigureAwait(false);

        var report = new ReconcileReport
        {
            DryRun = request.DryRun,
            Items = items,
            TargetWrites = run.Writes,
            StartedAt = startedAt,
            FinishedAt = _timeProvider.GetUtcNow(),
        };
        LogSummary(request.DryRun, items.Length, items.Count(item => !item.InSync), items.Count(item => item.Status == ReconcileItemStatus.Applied),
            items.Count(item => item.Status == ReconcileItemStatus.Failed), run.Writes);
        return report;
    }

    private List<Func<Run, Task<ReconcileItem>>> PlanWork(List<SourceSecretSummary> sources, Dictionary<string, TargetSecretSummary> targets)
    {
        var work = new List<Func<Run, Task<ReconcileItem>>>();
        var sourceNames = new HashSet<string>(sources.Select(source => source.Name), StringComparer.OrdinalIgnoreCase);
        foreach (SourceSecretSummary source in sources.OrderBy(source => source.Name, StringComparer.OrdinalIgnoreCase))
        {
            // A filtered-out secret is neither written nor deleted: its AWS copy, if any, is left alone.
            if (_filter.Exclude(source.Name, source.Tags) is not null)
            {
                continue;
            }

            string? targetName = _names.TryMap(source.Name, out string? rejection);
            if (targetName is null)
            {
                var unmappable = new ReconcileItem
                {
                    SourceName = source.Name, TargetName = _names.Prefix + source.Name, Kind = DriftKind.Missing, InSync = false,
                    Status = ReconcileItemStatus.Reported, Detail = rejection,
                };
                work.Add(_ => Task.FromResult(unmappable));
                continue;
            }

            targets.TryGetValue(targetName, out TargetSecretSummary? target);
            work.Add(run => ReconcileSourceAsync(run, source, targetName, target));
        }

        foreach (TargetSecretSummary target in targets.Values.OrderBy(target => target.Name, StringComparer.Ordinal))
        {
            // Only our own copies of this vault, under the prefix (the IAM policy's scope), can be extra; another
            // vault's, someone else's, or one left under an old prefix are not ours to judge.
            string? sourceName = _names.TryUnmap(target.Name);
            if (!target.IsOwned
                || (target.SourceVault is not null && !string.Equals(target.SourceVault, _source.VaultName, StringComparison.OrdinalIgnoreCase))
                || sourceName is null
                || (target.SourceName is not null && !string.Equals(target.SourceName, sourceName, StringComparison.OrdinalIgnoreCase))
                || sourceNames.Contains(sourceName)
                || _filter.ExcludeByName(sourceName) is not null)
            {
                continue;
            }

            ReconcileItem planned = DriftPlanner.PlanOrphan(target, sourceName, _options);
            work.Add(run => ConcludeAsync(run, planned, () => DeleteAsync(run, planned)));
        }

        return work;
    }

    private async Task<ReconcileItem> ReconcileSourceAsync(Run run, SourceSecretSummary source, string targetName, TargetSecretSummary? target)
    {
        ReconcileItem item;
        try
        {
            string? latestEnabled = source.Enabled
                ? source.LatestVersion
                : await _source.GetLatestEnabledVersionAsync(source.Name, run.CancellationToken).ConfigureAwait(false);
            item = DriftPlanner.PlanSource(_source.VaultName, source, targetName, latestEnabled?.ToLowerInvariant(), target, run.Request.Adopt);
            if (run.Request.CompareValues)
            {
                item = await CompareValuesAsync(run, item, target).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (IsStoreFailure(exception, run.CancellationToken))
        {
            return new ReconcileItem
            {
                SourceName = source.Name, TargetName = targetName, Kind = DriftKind.Missing, InSync = false,
                Status = ReconcileItemStatus.Failed, Error = Describe(exception),
            };
        }

        return await ConcludeAsync(run, item, () => ApplyAsync(run, item, source, target)).ConfigureAwait(false);
    }

    /// <summary>Reads both current values and compares their SHA-256; only an 8-digit prefix leaves this method.</summary>
    private async Task<ReconcileItem> CompareValuesAsync(Run run, ReconcileItem item, TargetSecretSummary? target)
    {
        if (item.SourceVersion is null || target is null || !target.IsOwned || target.ScheduledForDeletion || item.Kind == DriftKind.Conflict)
        {
            return item;
        }

        SourceReadResult read = await _source.ReadVersionAsync(item.SourceName!, item.SourceVersion, run.CancellationToken).ConfigureAwait(false);
        SecretValue? targetValue = await _target.ReadCurrentValueAsync(item.TargetName, run.CancellationToken).ConfigureAwait(false);
        string? sourceHash = read.Secret?.Value.Sha256Hex();
        string? targetHash = targetValue?.Sha256Hex();
        item = item with { SourceSha256Prefix = sourceHash?[..8], TargetSha256Prefix = targetHash?[..8] };
        if (item.Kind is DriftKind.InSync or DriftKind.MetadataDrift && sourceHash is not null && !string.Equals(sourceHash, targetHash, StringComparison.Ordinal))
        {
            // Same version id, other value: AWS versions are immutable, so this is a copy written by someone else
            // under our id. Sync cannot overwrite a version in place; it is reported for a person to look at.
            item = item with { Kind = DriftKind.Stale, InSync = false, Detail = "AWSCURRENT has the right version id but another value" };
        }

        return item;
    }

    private async Task ApplyAsync(Run run, ReconcileItem item, SourceSecretSummary source, TargetSecretSummary? target)
    {
        string version = item.SourceVersion!;
        if ((item.Actions & ReconcileActions.Restore) != 0)
        {
            await run.BeforeWriteAsync().ConfigureAwait(false);
            await _target.RestoreAsync(item.TargetName, run.CancellationToken).ConfigureAwait(false);
        }

        if ((item.Actions & (ReconcileActions.Write | ReconcileActions.Restore | ReconcileActions.Promote)) != 0)
        {
            await run.BeforeWriteAsync().ConfigureAwait(false);
            await ConvergeCurrentAsync(run, source.Name, version).ConfigureAwait(false);
        }

        if ((item.Actions & ReconcileActions.UpdateMetadata) != 0)
        {
            await run.BeforeWriteAsync().ConfigureAwait(false);
            await _target.UpdateMetadataAsync(DriftPlanner.MetadataUpdate(_source.VaultName, source, target!), run.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Makes the newest enabled version current through the event pipeline's own path, under the secret's
    /// lock: a sync running beside event deliveries can never interleave with them and move AWSCURRENT back.
    /// </summary>
    private async Task ConvergeCurrentAsync(Run run, string sourceName, string version)
    {
        SecretReplicator replicator = _replicator
            ?? throw new InvalidOperationException("This reconciler was built without a replicator and can only plan (dry run).");
        ReplicationOutcome outcome = await replicator.ReplicateAsync(
            new Events.SecretVersionRef(_source.VaultName, sourceName, version),
            new ReplicationRequestOptions { AdoptForeign = run.Request.Adopt, Reconcile = true },
            run.CancellationToken).ConfigureAwait(false);
        switch (outcome.Kind)
        {
            case ReplicationOutcomeKind.Replicated or ReplicationOutcomeKind.AlreadyDone:
                return;
            case ReplicationOutcomeKind.Rejected:
                throw new SecretStoreException(outcome.Reason!, isTransient: false, outcome.ErrorCode);
            default:
                throw new SecretStoreException($"{outcome.Reason}; the next run converges it", isTransient: true, outcome.ErrorCode);
        }
    }

    private async Task DeleteAsync(Run run, ReconcileItem item)
    {
        await run.BeforeWriteAsync().ConfigureAwait(false);
        await _target.DeleteAsync(item.TargetName, new TargetDeletion(_options.RecoveryWindowInDays, _options.ForceDeleteWithoutRecovery), run.CancellationToken).ConfigureAwait(false);
    }

    private async Task<ReconcileItem> ConcludeAsync(Run run, ReconcileItem item, Func<Task> apply)
    {
        if (item.Status == ReconcileItemStatus.Failed)
        {
            return item;
        }

        if (item.Actions == ReconcileActions.None)
        {
            return item with { Status = item.InSync && item.Kind == DriftKind.InSync ? ReconcileItemStatus.Unchanged : ReconcileItemStatus.Reported };
        }

        if (run.Request.DryRun)
        {
            return item with { Status = ReconcileItemStatus.Planned };
        }

        try
        {
            await apply().ConfigureAwait(false);
            LogApplied(item.TargetName, item.Kind, item.Actions, item.SourceVersion);
            return item with { Status = ReconcileItemStatus.Applied };
        }
        catch (Exception exception) when (IsStoreFailure(exception, run.CancellationToken))
        {
            string error = Describe(exception);
            LogFailed(item.TargetName, item.Kind, item.Actions, error);
            return item with { Status = ReconcileItemStatus.Failed, Error = error };
        }
    }

    /// <summary>
    /// Any failure of one secret except the run's own cancellation: it is reported on that secret and the run
    /// goes on with the others, rather than losing the whole report.
    /// </summary>
    private static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    private static string Describe(Exception exception) => SafeFailure.Describe(exception).Detail;

    /// <summary>What one run shares across its parallel secrets: the request, the write limiter and the write count.</summary>
    private sealed record Run(ReconcileRequest Request, RateLimiter Limiter)
    {
        private readonly StrongBox<int> _writes = new(0);

        public CancellationToken CancellationToken { get; init; }

        public int Writes => Volatile.Read(ref _writes.Value);

        public async Task BeforeWriteAsync()
        {
            using RateLimitLease lease = await Limiter.AcquireAsync(1, CancellationToken).ConfigureAwait(false);
            if (!lease.IsAcquired)
            {
                throw new SecretStoreException("the write rate limiter refused a permit; the next run converges it", isTransient: true);
            }

            Interlocked.Increment(ref _writes.Value);
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information,
        Message = "Reconcile (dry run: {DryRun}) looked at {Secrets} secrets: {Drifted} out of sync, {Applied} repaired, {Failed} failed, {Writes} writes")]
    private partial void LogSummary(bool dryRun, int secrets, int drifted, int applied, int failed, int writes);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Reconciled {TargetName} ({Kind}): {Actions} to version {SecretVersion}")]
    private partial void LogApplied(string targetName, DriftKind kind, ReconcileActions actions, string? secretVersion);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Could not reconcile {TargetName} ({Kind}, {Actions}): {Error}")]
    private partial void LogFailed(string targetName, DriftKind kind, ReconcileActions actions, string error);
}
