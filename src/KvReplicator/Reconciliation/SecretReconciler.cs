using System.Collections.Concurrent;
using KvReplicator.Replication;
using KvReplicator.Throttling;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.Reconciliation;

/// <summary>
/// Repairs what events never announce: lists the vault and the replicated AWS secrets, reads the current
/// version on both sides (and, when the target configures them, an existing secret's resource policy, KMS key and
/// replica regions), plans per secret (<see cref="DriftPlanner"/>) and converges
/// (<see cref="DriftRepairer"/>) through the same <see cref="ISecretTarget"/> the event pipeline writes with, so
/// re-running is a no-op (the version id is the write's idempotency token) and a second run makes no write at
/// all. Entry point of <c>kvrep sync</c>, <c>kvrep verify</c> (a dry run) and the Functions timer: all three
/// compare the same things, so a sync that exits clean leaves nothing for verify to find.
/// </summary>
/// <remarks>
/// Every AWS write call the run sends goes through one <see cref="WriteBudget"/> of
/// <see cref="ReconcileOptions.MaxWritesPerSecond"/>, which also counts them for the report; a dry run's budget
/// allows none. A failed secret is reported and left for the next run; it never stops the others.
/// </remarks>
public sealed partial class SecretReconciler
{
    private readonly ISecretSource _source;
    private readonly ISecretTarget _target;
    private readonly ReconcileOptions _options;
    private readonly SecretNameMapper _names;
    private readonly ReplicationFilter _filter;
    private readonly DriftRepairer _repairer;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<SecretReconciler> _logger;
    private readonly string? _targetId;

    internal SecretReconciler(
        ISecretSource source,
        ISecretTarget target,
        IOptions<ReplicationOptions> replicationOptions,
        IOptions<ReconcileOptions> options,
        TimeProvider timeProvider,
        ILogger<SecretReconciler> logger,
        SecretReplicator? replicator = null,
        string? targetId = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _target = target ?? throw new ArgumentNullException(nameof(target));
        _options = options?.Value ?? throw new ArgumentNullException(nameof(options));
        ReplicationOptions replication = replicationOptions?.Value ?? throw new ArgumentNullException(nameof(replicationOptions));
        _names = replication.NameMapperFor(_source.VaultName);
        _filter = new ReplicationFilter(replication);
        _repairer = new DriftRepairer(source, target, replicator, _options);
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _targetId = targetId;
    }

    /// <summary>The vault this reconciler compares.</summary>
    internal string VaultName => _source.VaultName;

    /// <summary>The AWS target it compares with (<c>KvReplicator:Targets:&lt;n&gt;:Id</c>); null for the single, unnamed one.</summary>
    internal string? TargetId => _targetId;

    /// <summary>Compares every replicated secret with its source and, unless <see cref="ReconcileRequest.DryRun"/>, converges it.</summary>
    /// <exception cref="SecretStoreException">Listing the vault or the target failed; nothing was written.</exception>
    internal async Task<ReconcileReport> ReconcileAsync(ReconcileRequest request, IProgress<ReconcileProgress>? progress = null, CancellationToken cancellationToken = default)
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

        var run = new Run(request);
        List<Func<Run, Task<ReconcileItem?>>> work = PlanWork(run, sources, targets);
        var items = new ReconcileItem?[work.Count];
        int completed = 0;
        WriteBudget budget = request.DryRun ? WriteBudget.None() : new WriteBudget(_options.MaxWritesPerSecond, _timeProvider);
        using (budget.Enter())
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, work.Count),
                new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = cancellationToken },
                async (index, token) =>
                {
                    items[index] = await work[index](run with { CancellationToken = token }).ConfigureAwait(false);
                    progress?.Report(new ReconcileProgress(Interlocked.Increment(ref completed), work.Count, items[index]?.TargetName));
                }).ConfigureAwait(false);
        }

        var report = new ReconcileReport
        {
            DryRun = request.DryRun,
            Items = [.. items.OfType<ReconcileItem>()],
            Excluded = [.. run.Excluded.OrderBy(excluded => excluded.Name, StringComparer.OrdinalIgnoreCase)],
            TargetWrites = budget.Sent,
            TargetWritesByOperation = budget.SentByOperation,
            StartedAt = startedAt,
            FinishedAt = _timeProvider.GetUtcNow(),
        };
        LogSummary(request.DryRun, report.Items.Count, report.DriftFound, report.Items.Count(item => item.Status == ReconcileItemStatus.Applied),
            report.Items.Count(item => item.Status == ReconcileItemStatus.Failed), report.DriftLeft, report.TargetWrites);
        return report;
    }

    /// <summary>One unit of work per secret; a unit answers null for a secret the filters leave out once its current version is known.</summary>
    private List<Func<Run, Task<ReconcileItem?>>> PlanWork(Run run, List<SourceSecretSummary> sources, Dictionary<string, TargetSecretSummary> targets)
    {
        var work = new List<Func<Run, Task<ReconcileItem?>>>();
        var sourceNames = new HashSet<string>(sources.Select(source => source.Name), StringComparer.OrdinalIgnoreCase);
        foreach (SourceSecretSummary source in sources.OrderBy(source => source.Name, StringComparer.OrdinalIgnoreCase))
        {
            // A filtered-out secret is neither read, written nor deleted: its AWS copy, if any, is left alone.
            if (_filter.ExcludeByName(source.Name) is { } excludedBecause)
            {
                run.Exclude(source.Name, excludedBecause);
                continue;
            }

            string? targetName = _names.TryMap(source.Name, out string? rejection);
            if (targetName is null)
            {
                var unmappable = new ReconcileItem
                {
                    SourceName = source.Name, TargetName = _names.Render(source.Name), Kind = DriftKind.Missing, DriftFound = true,
                    Status = ReconcileItemStatus.Reported, Detail = rejection,
                };
                work.Add(_ => Task.FromResult<ReconcileItem?>(unmappable));
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
                || sourceName is null
                || !target.IsFrom(_source.VaultName, sourceName)
                || sourceNames.Contains(sourceName)
                || _filter.ExcludeByName(sourceName) is not null)
            {
                continue;
            }

            ReconcileItem planned = DriftPlanner.PlanOrphan(target, sourceName, _options);
            work.Add(async run => await ConcludeAsync(run, planned, token => _repairer.DeleteAsync(planned, token)).ConfigureAwait(false));
        }

        return work;
    }

    private async Task<ReconcileItem?> ReconcileSourceAsync(Run run, SourceSecretSummary source, string targetName, TargetSecretSummary? target)
    {
        CancellationToken cancellationToken = run.CancellationToken;
        ReconcileItem item;
        SourceSecretVersion? current = null;
        TargetSettingsDrift? settings = null;
        try
        {
            // The listing shows the newest version's tags: when it is enabled it is the current one, and the opt-in
            // tag is checked before any value is read, as the event path checks it before writing.
            if (source.Enabled && _filter.Exclude(source.Name, source.Tags) is { } excludedBecause)
            {
                return run.Exclude(source.Name, excludedBecause);
            }

            string? latestEnabled = source.Enabled
                ? source.LatestVersion
                : await _source.GetLatestEnabledVersionAsync(source.Name, cancellationToken).ConfigureAwait(false);
            if (latestEnabled is null)
            {
                return _filter.Exclude(source.Name, source.Tags) is { } disabledExcludedBecause
                    ? run.Exclude(source.Name, disabledExcludedBecause)
                    : DriftPlanner.PlanDisabled(source.Name, targetName, target) with { Status = ReconcileItemStatus.Reported };
            }

            current = await ReadCurrentAsync(source.Name, latestEnabled, cancellationToken).ConfigureAwait(false);

            // A disabled newest version does not decide anything: the current (newest enabled) one's tags do.
            if (!source.Enabled && _filter.Exclude(source.Name, current.Tags) is { } currentExcludedBecause)
            {
                return run.Exclude(source.Name, currentExcludedBecause);
            }

            item = DriftPlanner.PlanSource(current, targetName, target, target is not null && !_target.MetadataUpdateFor(current, target).IsEmpty, run.Request.Adopt || _target.MayTakeOver);
            item = await CompareValuesAsync(item, current, target, cancellationToken).ConfigureAwait(false);
            if (DriftPlanner.ComparesSettings(item, target))
            {
                settings = await _target.CompareSettingsAsync(targetName, cancellationToken).ConfigureAwait(false);
                item = DriftPlanner.PlanSettings(item, settings);
            }
        }
        catch (Exception exception) when (IsStoreFailure(exception, cancellationToken))
        {
            return new ReconcileItem
            {
                SourceName = source.Name, TargetName = targetName, Kind = DriftKind.Missing, DriftFound = true,
                Status = ReconcileItemStatus.Failed, Error = Describe(exception),
            };
        }

        SourceSecretVersion read = current!;
        return await ConcludeAsync(run, item, token => _repairer.RepairAsync(item, read, target, settings, run.Request.Adopt, token)).ConfigureAwait(false);
    }

    private async Task<SourceSecretVersion> ReadCurrentAsync(string sourceName, string version, CancellationToken cancellationToken)
    {
        SourceReadResult read = await _source.ReadVersionAsync(sourceName, version.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
        return read.Status == SourceReadStatus.Found
            ? read.Secret!
            : throw new SecretStoreException($"version {version} of '{sourceName}' was {read.Status} when it was read; the next run converges it", isTransient: true);
    }

    /// <summary>Reads the AWS values the plan relies on and checks them by SHA-256; only 8-digit prefixes leave this method.</summary>
    private async Task<ReconcileItem> CompareValuesAsync(ReconcileItem item, SourceSecretVersion current, TargetSecretSummary? target, CancellationToken cancellationToken)
    {
        (bool readCurrent, bool readPromoted) = DriftPlanner.ValuesToCompare(item, target);
        string? currentHash = null;
        if (readCurrent)
        {
            SecretValue? value = await _target.ReadCurrentValueAsync(item.TargetName, cancellationToken).ConfigureAwait(false);
            if (value is null && item.Kind is DriftKind.InSync or DriftKind.MetadataDrift)
            {
                throw new SecretStoreException($"'{item.TargetName}' lost its AWSCURRENT version while it was compared; the next run converges it", isTransient: true);
            }

            currentHash = value?.Sha256Hex();
        }

        string? promotedHash = readPromoted
            ? (await _target.ReadVersionValueAsync(item.TargetName, current.Version, cancellationToken).ConfigureAwait(false))?.Sha256Hex()
            : null;
        return DriftPlanner.CompareValues(item, current.Value.Sha256Hex(), currentHash, promotedHash);
    }

    private async Task<ReconcileItem> ConcludeAsync(Run run, ReconcileItem item, Func<CancellationToken, Task> apply)
    {
        if (item.Actions == ReconcileActions.None)
        {
            return item with { Status = item.Kind == DriftKind.InSync ? ReconcileItemStatus.Unchanged : ReconcileItemStatus.Reported };
        }

        if (run.Request.DryRun)
        {
            return item with { Status = ReconcileItemStatus.Planned };
        }

        // The secret's own tally, inside the run's budget: the report says which secret cost which calls.
        var tally = new WriteTally();
        try
        {
            using (WriteBudget.Track(tally))
            {
                await apply(run.CancellationToken).ConfigureAwait(false);
            }

            LogApplied(item.TargetName, item.Kind, item.Actions, item.SourceVersion, tally.Count);
            return item with { Status = ReconcileItemStatus.Applied, TargetWrites = tally.Count };
        }
        catch (SecretStoreException exception) when (exception.ErrorCode == TargetErrorCodes.VersionConflict)
        {
            // Someone wrote the version id with another value between the comparison and the write.
            ReconcileItem conflict = DriftPlanner.ValueConflict(item);
            LogFailed(item.TargetName, conflict.Kind, item.Actions, Describe(exception));
            return conflict with { Status = ReconcileItemStatus.Reported, TargetWrites = tally.Count };
        }
        catch (SecretStoreException exception) when (exception.ErrorCode == TargetErrorCodes.ForeignSecret && item.Kind == DriftKind.Conflict)
        {
            // The target's takeover policy looked and refused (AdoptIfEqual, another value): a conflict for a
            // person to decide, as without a policy, not a failure the next run would retry.
            LogFailed(item.TargetName, item.Kind, item.Actions, Describe(exception));
            return item with
            {
                Actions = ReconcileActions.None, Status = ReconcileItemStatus.Reported, TargetWrites = tally.Count,
                Detail = "exists in AWS without the managed-by tag; the target's TakeoverPolicy refused to take it over",
            };
        }
        catch (Exception exception) when (IsStoreFailure(exception, run.CancellationToken))
        {
            string error = Describe(exception);
            LogFailed(item.TargetName, item.Kind, item.Actions, error);
            return item with { Status = ReconcileItemStatus.Failed, Error = error, TargetWrites = tally.Count };
        }
    }

    /// <summary>
    /// Any failure of one secret except the run's own cancellation: it is reported on that secret and the run
    /// goes on with the others, rather than losing the whole report.
    /// </summary>
    private static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) =>
        exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested;

    private static string Describe(Exception exception) => SafeFailure.Describe(exception).Detail;

    /// <summary>What one run shares across its parallel secrets (a copy per secret shares the same list of exclusions).</summary>
    private sealed record Run(ReconcileRequest Request)
    {
        public CancellationToken CancellationToken { get; init; }

        public ConcurrentQueue<ExcludedSecret> Excluded { get; } = new();

        /// <summary>Notes a secret the filters leave out, for the report; a unit of work answers null for it.</summary>
        public ReconcileItem? Exclude(string name, string reason)
        {
            Excluded.Enqueue(new ExcludedSecret(name, reason));
            return null;
        }
    }

    [LoggerMessage(EventId = 700, Level = LogLevel.Information,
        Message = "Reconcile (dry run: {DryRun}) looked at {Secrets} secrets: drift found in {DriftFound}, {Applied} repaired, {Failed} failed, drift left in {DriftLeft}; {Writes} AWS write calls")]
    private partial void LogSummary(bool dryRun, int secrets, int driftFound, int applied, int failed, int driftLeft, int writes);

    [LoggerMessage(EventId = 701, Level = LogLevel.Information, Message = "Reconciled {TargetName} ({Kind}): {Actions} to version {SecretVersion} in {Writes} AWS write calls")]
    private partial void LogApplied(string targetName, DriftKind kind, ReconcileActions actions, string? secretVersion, int writes);

    [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Could not reconcile {TargetName} ({Kind}, {Actions}): {Error}")]
    private partial void LogFailed(string targetName, DriftKind kind, ReconcileActions actions, string error);
}
