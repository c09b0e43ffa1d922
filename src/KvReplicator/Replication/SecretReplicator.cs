using KvReplicator.Coalescing;
using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.Notifications;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.Replication;

/// <summary>
/// The whole life of one secret version: claim it in the ledger, read it from the source, write it to
/// the target, commit the claim. Every path ends in a <see cref="ReplicationOutcome"/>; nothing escapes
/// as an exception except cancellation.
/// </summary>
public sealed partial class SecretReplicator
{
    private readonly ISecretSource _source;
    private readonly ISecretTarget _target;
    private readonly IReplicationLedger _ledger;
    private readonly SecretNameMapper _names;
    private readonly ReplicationFilter _filter;
    private readonly ILogger<SecretReplicator> _logger;
    private readonly VersionCoalescer? _coalescer;
    private readonly IReplicationNotifier _notifier;
    private readonly TimeProvider _timeProvider;

    /// <summary>
    /// How much of a claim must be left before a write: a handler that has spent its claim (slow stores,
    /// throttling) stops instead of writing while another delivery may already have taken the version over.
    /// </summary>
    internal static readonly TimeSpan MinimumClaimLeftToWrite = TimeSpan.FromSeconds(5);

    /// <param name="coalescer">Leaves superseded versions of a secret out of AWS once it holds too many recent versions; null never does.</param>
    /// <param name="notifier">Told about every version written as current; null tells no one.</param>
    /// <param name="timeProvider">The clock claims are measured with; the system clock when null.</param>
    public SecretReplicator(
        ISecretSource source,
        ISecretTarget target,
        IReplicationLedger ledger,
        IOptions<ReplicationOptions> options,
        ILogger<SecretReplicator> logger,
        VersionCoalescer? coalescer = null,
        IReplicationNotifier? notifier = null,
        TimeProvider? timeProvider = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _target = target ?? throw new ArgumentNullException(nameof(target));
        _ledger = ledger ?? throw new ArgumentNullException(nameof(ledger));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        ReplicationOptions value = options?.Value ?? throw new ArgumentNullException(nameof(options));
        _names = new SecretNameMapper(value.TargetPrefix);
        _filter = new ReplicationFilter(value);
        _coalescer = coalescer is { Enabled: true } ? coalescer : null;
        _notifier = notifier ?? NoOpReplicationNotifier.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>Replicates one version and says how it went.</summary>
    public async Task<ReplicationOutcome> ReplicateAsync(SecretVersionRef version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        ReplicationOutcome outcome = await ReplicateCoreAsync(version, cancellationToken).ConfigureAwait(false);
        // Consumers refresh what is current; an older version stored beside it is nothing for them to fetch.
        if (outcome is { Kind: ReplicationOutcomeKind.Replicated, Superseded: false })
        {
            outcome = await NotifyAsync(outcome, cancellationToken).ConfigureAwait(false);
        }

        LogOutcome(outcome.Kind, version.VaultName, version.SecretName, version.Version, outcome.TargetName, outcome.Reason);
        return outcome;
    }

    private async Task<ReplicationOutcome> ReplicateCoreAsync(SecretVersionRef version, CancellationToken cancellationToken)
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

        LedgerClaimResult claimResult;
        try
        {
            claimResult = await _ledger.TryClaimAsync(version, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return FromException(version, targetName, "ledger claim", ex);
        }

        switch (claimResult.Status)
        {
            case LedgerClaimStatus.AlreadyDone:
                return ReplicationOutcome.AlreadyDone(version, targetName);
            case LedgerClaimStatus.InFlight:
                return ReplicationOutcome.RetryLater(version, "another delivery of this version is in flight", targetName);
        }

        LedgerClaim claim = claimResult.Claim!;
        ReplicationOutcome outcome;
        try
        {
            outcome = await CopyVersionAsync(version, targetName, claim, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            outcome = FromException(version, targetName, "replication", ex);
        }
        catch (OperationCanceledException)
        {
            await ReleaseQuietlyAsync(claim).ConfigureAwait(false);
            throw;
        }

        if (outcome.Kind != ReplicationOutcomeKind.Replicated && outcome.CoalescedInto is null)
        {
            // Skips are released too: a disabled version that is enabled later must not look done.
            bool released = await ReleaseQuietlyAsync(claim).ConfigureAwait(false);
            if (!released && outcome.Kind == ReplicationOutcomeKind.Skipped)
            {
                // An acknowledged skip brings no delivery back, so its claim would stay in flight forever. A
                // retry comes back, takes the claim over once it expires, skips again and releases it.
                return ReplicationOutcome.RetryLater(version, $"{outcome.Reason}; its claim could not be released, so the version is retried", targetName);
            }

            return outcome;
        }

        try
        {
            bool committed = outcome.CoalescedInto is { } newer
                ? await _ledger.CommitCoalescedAsync(claim, newer, cancellationToken).ConfigureAwait(false)
                : await _ledger.CommitAsync(claim, cancellationToken).ConfigureAwait(false);
            if (!committed)
            {
                // Our claim expired and another delivery took it over; it writes the same version with the
                // same idempotency token and commits it, so the version is safe either way.
                LogClaimLost(version.SecretName, version.Version);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The write is done but unrecorded. Asking for a retry lets a later delivery claim the version
            // again (at once if the release works, after expiry if not), rewrite it (a no-op in the target)
            // and commit, so no marker stays in flight forever.
            await ReleaseQuietlyAsync(claim).ConfigureAwait(false);
            return FromException(version, targetName, "ledger commit after a successful write", ex);
        }

        return outcome;
    }

    private async Task<ReplicationOutcome> CopyVersionAsync(SecretVersionRef version, string targetName, LedgerClaim claim, CancellationToken cancellationToken)
    {
        SourceReadResult read = await _source.ReadVersionAsync(version.SecretName, version.Version, cancellationToken).ConfigureAwait(false);
        switch (read.Status)
        {
            case SourceReadStatus.NotFound:
                return ReplicationOutcome.Skipped(version, "version no longer exists in Key Vault", targetName);
            case SourceReadStatus.Disabled:
                return ReplicationOutcome.Skipped(version, "version is disabled in Key Vault", targetName);
            case SourceReadStatus.Managed:
                return ReplicationOutcome.Skipped(version, "secret backs a Key Vault certificate; its private key stays in Key Vault", targetName);
        }

        SourceSecretVersion secret = read.Secret!;

        // The opt-in tag lives on the version, so it can only be checked once the version is read; the skip
        // releases the claim, so tagging the secret later and re-running sync (or a new version) replicates it.
        if (_filter.Exclude(secret.Name, secret.Tags) is { } excluded)
        {
            return ReplicationOutcome.Skipped(version, excluded, targetName);
        }

        // Key Vault's own name is canonical: the event may spell a case-insensitive name differently.
        if (!string.Equals(secret.Name, version.SecretName, StringComparison.Ordinal))
        {
            targetName = _names.TryMap(secret.Name, out string? rejection) ?? throw new SecretStoreException(rejection!, isTransient: false);
        }

        // Delivery order is not guaranteed: only the newest enabled version may become current, an older
        // one is stored beside it so that no version is lost.
        string? latest = await _source.GetLatestEnabledVersionAsync(secret.Name, cancellationToken).ConfigureAwait(false);
        if (latest is null)
        {
            // Deleted or disabled since the read: writing now could put an older value over a newer one. The
            // claim is released; sync applies the deletion policy, and a re-enabled secret is replicated then.
            return ReplicationOutcome.Skipped(version, "secret no longer has an enabled version in Key Vault", targetName);
        }

        bool makeCurrent = string.Equals(latest, secret.Version, StringComparison.OrdinalIgnoreCase);

        // Only a superseded version may be coalesced, never the newest. The gate is held through the write so
        // that this process counts one superseded version of the secret at a time.
        using IDisposable? coalescingGate = makeCurrent || _coalescer is null ? null : await _coalescer.EnterAsync(targetName, cancellationToken).ConfigureAwait(false);
        if (coalescingGate is not null && await _coalescer!.DecideAsync(targetName, latest, cancellationToken).ConfigureAwait(false) is { Coalesce: true } decision)
        {
            return ReplicationOutcome.Skipped(version, decision.Reason!, targetName) with { Superseded = true, CoalescedInto = latest };
        }

        EnsureClaimStillHeld(claim);
        var write = new TargetSecretWrite { TargetName = targetName, VersionId = secret.Version, Value = secret.Value, MakeCurrent = makeCurrent, Source = secret };
        TargetWriteResult written = await _target.WriteAsync(write, cancellationToken).ConfigureAwait(false);
        if (written.NeedsCurrentVersionFirst)
        {
            written = await WriteLatestThenAsync(write, latest, cancellationToken).ConfigureAwait(false);
        }

        if (makeCurrent)
        {
            await RepairRaceWithNewerVersionAsync(secret, targetName, cancellationToken).ConfigureAwait(false);
        }
        else if (written.VersionIsCurrent)
        {
            // An earlier delivery made this version current and failed before handing AWSCURRENT to the newer
            // version; the repeated write changed nothing, so hand it over now.
            bool promoted = await _target.PromoteAsync(targetName, latest, secret.Version, cancellationToken).ConfigureAwait(false);
            LogRaceRepaired(secret.Name, secret.Version, latest, promoted);
        }

        return new ReplicationOutcome
        {
            Kind = ReplicationOutcomeKind.Replicated,
            Version = version,
            TargetName = targetName,
            CreatedTarget = written.CreatedSecret,
            RestoredTarget = written.RestoredSecret,
            Superseded = !makeCurrent,
        };
    }

    /// <summary>
    /// An overtaken version reached a target that holds no version yet. Writing the newest enabled version
    /// first (exactly what its own event will do, idempotently) keeps the older value from ever being
    /// current; the newest version's own delivery then finds it written.
    /// </summary>
    private async Task<TargetWriteResult> WriteLatestThenAsync(TargetSecretWrite overtaken, string latestVersion, CancellationToken cancellationToken)
    {
        SourceReadResult latest = await _source.ReadVersionAsync(overtaken.Source.Name, latestVersion, cancellationToken).ConfigureAwait(false);
        if (latest.Status != SourceReadStatus.Found)
        {
            throw new SecretStoreException(
                $"newest version {latestVersion} of '{overtaken.Source.Name}' changed while writing an older one; retry", isTransient: true);
        }

        TargetWriteResult first = await _target.WriteAsync(
            overtaken with { VersionId = latest.Secret!.Version, Value = latest.Secret.Value, MakeCurrent = true, Source = latest.Secret },
            cancellationToken).ConfigureAwait(false);

        // The version written as current may itself have been overtaken meanwhile, as any current write can.
        await RepairRaceWithNewerVersionAsync(latest.Secret, overtaken.TargetName, cancellationToken).ConfigureAwait(false);
        TargetWriteResult second = await _target.WriteAsync(overtaken, cancellationToken).ConfigureAwait(false);
        if (second.NeedsCurrentVersionFirst)
        {
            throw new SecretStoreException($"target '{overtaken.TargetName}' still has no current version after writing one; retry", isTransient: true);
        }

        return new TargetWriteResult(first.CreatedSecret || second.CreatedSecret, first.RestoredSecret || second.RestoredSecret);
    }

    private void EnsureClaimStillHeld(LedgerClaim claim)
    {
        TimeSpan left = claim.ExpiresOn - _timeProvider.GetUtcNow();
        if (left < MinimumClaimLeftToWrite)
        {
            throw new SecretStoreException(
                $"the claim on this version expires in {Math.Max(0, left.TotalSeconds):0} s, too soon to write safely; retry", isTransient: true, "ClaimExpiring");
        }
    }

    /// <summary>
    /// A newer version may have been created and written between our "is it the latest?" check and our
    /// write, in which case our write just demoted it. Check once more and hand AWSCURRENT back to the newer
    /// version; the compare-and-swap in <see cref="ISecretTarget.PromoteAsync"/> leaves it alone if anything
    /// else moved meanwhile, and if the newer version is not written yet its own handler makes it current.
    /// </summary>
    private async Task RepairRaceWithNewerVersionAsync(SourceSecretVersion secret, string targetName, CancellationToken cancellationToken)
    {
        string? latest = await _source.GetLatestEnabledVersionAsync(secret.Name, cancellationToken).ConfigureAwait(false);
        if (latest is not null && !string.Equals(latest, secret.Version, StringComparison.OrdinalIgnoreCase))
        {
            bool promoted = await _target.PromoteAsync(targetName, latest, secret.Version, cancellationToken).ConfigureAwait(false);
            LogRaceRepaired(secret.Name, secret.Version, latest, promoted);
        }
    }

    /// <summary>
    /// The version is written and committed before consumers hear of it, so a notification failure can never
    /// lose or repeat the replication. The notifier retries; what still fails is reported as a warning, not
    /// as a failed delivery: a redelivery would find the version done and could not notify anyway.
    /// </summary>
    private async Task<ReplicationOutcome> NotifyAsync(ReplicationOutcome outcome, CancellationToken cancellationToken)
    {
        try
        {
            await _notifier.NotifyAsync(new ReplicationNotification(outcome.TargetName!, outcome.Version!.Version), cancellationToken).ConfigureAwait(false);
            return outcome;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            string detail = SafeFailure.Describe(ex).Detail;
            LogNotificationFailed(outcome.TargetName!, outcome.Version!.Version, detail);
            return outcome with { Warning = $"replicated, but the consumer notification failed: {detail}" };
        }
    }

    /// <returns>False when the claim stays in the ledger until it expires.</returns>
    private async Task<bool> ReleaseQuietlyAsync(LedgerClaim claim)
    {
        try
        {
            // Not the caller's token: a cancelled handler must still give its claim back.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10), _timeProvider);
            await _ledger.ReleaseAsync(claim, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex)
        {
            // The claim expires on its own; the next delivery after that replicates the version.
            LogReleaseFailed(claim.Version.SecretName, claim.Version.Version, ex.GetType().Name);
            return false;
        }
    }

    private ReplicationOutcome FromException(SecretVersionRef version, string targetName, string step, Exception ex)
    {
        (bool transient, string detail) = SafeFailure.Describe(ex);

        string reason = $"{step} failed: {detail}";
        return transient
            ? ReplicationOutcome.RetryLater(version, reason, targetName)
            : ReplicationOutcome.Rejected(version, reason, targetName);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information,
        Message = "Replication {Outcome} for {VaultName}/{SecretName} version {SecretVersion} → {TargetName}: {Reason}")]
    private partial void LogOutcome(ReplicationOutcomeKind outcome, string vaultName, string secretName, string secretVersion, string? targetName, string? reason);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning,
        Message = "Claim on {SecretName} version {SecretVersion} expired before commit; the delivery that took it over commits it")]
    private partial void LogClaimLost(string secretName, string secretVersion);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning,
        Message = "Could not release the claim on {SecretName} version {SecretVersion} ({ErrorType}); it expires on its own")]
    private partial void LogReleaseFailed(string secretName, string secretVersion, string errorType);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information,
        Message = "{SecretName} version {SecretVersion} was overtaken by {LatestVersion} during its write; handed AWSCURRENT back: {Promoted}")]
    private partial void LogRaceRepaired(string secretName, string secretVersion, string latestVersion, bool promoted);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning,
        Message = "{TargetName} version {SecretVersion} is replicated, but consumers were not notified: {Detail}")]
    private partial void LogNotificationFailed(string targetName, string secretVersion, string detail);
}
