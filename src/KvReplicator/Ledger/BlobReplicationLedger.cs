using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KvReplicator.Events;
using KvReplicator.Replication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KvReplicator.Ledger;

/// <summary>
/// The ledger as one blob per version, <c>&lt;secret&gt;/&lt;version&gt;</c> in lower case, whose metadata
/// says <c>state=claimed</c> (with <c>claimexpires</c> and <c>claimedby</c>) or <c>state=done</c> (with
/// <c>doneon</c>). Every change is conditional: creation on If-None-Match: *, everything after on the
/// ETag the claim holder saw, so of two racing handlers exactly one wins each step.
/// </summary>
/// <remarks>
/// Claim expiry is judged on this instance's clock against the expiry the claimer wrote with its own; the
/// few seconds clocks may drift apart are small next to <see cref="LedgerOptions.ClaimTimeout"/>. A marker
/// whose state cannot be read (missing or garbled metadata, written by hand or by a future version) is
/// treated as a claim that expires one claim timeout after the storage service last changed it: it blocks
/// nothing forever and is never mistaken for a finished version.
/// </remarks>
public sealed partial class BlobReplicationLedger : IReplicationLedger
{
    private const string StateKey = "state";
    private const string ClaimExpiresKey = "claimexpires";
    private const string ClaimedByKey = "claimedby";
    private const string DoneOnKey = "doneon";
    private const string CoalescedIntoKey = "coalescedinto";
    private const string ClaimedState = "claimed";
    private const string DoneState = "done";

    private static readonly JsonSerializerOptions s_jsonOptions = new(JsonSerializerDefaults.Web);

    private readonly BlobContainerClient _container;
    private readonly TimeSpan _claimTimeout;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<BlobReplicationLedger> _logger;
    private readonly string _instanceId;
    private readonly SemaphoreSlim _containerGate = new(1, 1);
    private volatile bool _containerReady;

    /// <param name="container">The container of markers; created at first use when missing.</param>
    /// <param name="options">Only <see cref="LedgerOptions.ClaimTimeout"/> is read here.</param>
    /// <param name="timeProvider">The clock that dates claims and judges their expiry.</param>
    /// <param name="logger">Logs take-overs of expired claims.</param>
    /// <param name="instanceId">Recorded as <c>claimedby</c>; defaults to the App Service instance or the machine and process.</param>
    public BlobReplicationLedger(
        BlobContainerClient container,
        IOptions<LedgerOptions> options,
        TimeProvider timeProvider,
        ILogger<BlobReplicationLedger>? logger = null,
        string? instanceId = null)
    {
        _container = container ?? throw new ArgumentNullException(nameof(container));
        _timeProvider = timeProvider ?? throw new ArgumentNullException(nameof(timeProvider));
        _claimTimeout = (options?.Value ?? throw new ArgumentNullException(nameof(options))).ClaimTimeout;
        if (_claimTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), _claimTimeout, "ClaimTimeout must be positive.");
        }

        _logger = logger ?? NullLogger<BlobReplicationLedger>.Instance;
        _instanceId = ToMetadataValue(string.IsNullOrWhiteSpace(instanceId) ? DefaultInstanceId() : instanceId);
    }

    /// <summary>The name recorded as <c>claimedby</c> on the markers this ledger writes.</summary>
    public string InstanceId => _instanceId;

    /// <summary>The marker blob's name for a version: Key Vault names are case-insensitive, so lower case.</summary>
    /// <exception cref="ArgumentException">The name or version is not Key Vault's, and could escape the <c>&lt;secret&gt;/&lt;version&gt;</c> layout.</exception>
    public static string MarkerName(SecretVersionRef version) =>
        TryGetMarkerName(version) ?? throw new ArgumentException($"'{version}' is not a Key Vault secret name and version id.", nameof(version));

    public async Task<LedgerClaimResult> TryClaimAsync(SecretVersionRef version, CancellationToken cancellationToken = default)
    {
        // Retrying a version that can have no marker would never succeed: reject it for good.
        string markerName = TryGetMarkerName(version)
            ?? throw new SecretStoreException($"Ledger claim refused: '{version}' is not a Key Vault secret name and version id", isTransient: false, "InvalidMarkerName");
        await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
        BlobClient marker = _container.GetBlobClient(markerName);

        // Two rounds: a marker released between our failed create and our read is simply created again.
        for (int round = 0; round < 2; round++)
        {
            LedgerClaim? created = await UploadClaimAsync(marker, version, new BlobRequestConditions { IfNoneMatch = ETag.All }, cancellationToken).ConfigureAwait(false);
            if (created is not null)
            {
                return LedgerClaimResult.Claimed(created);
            }

            BlobProperties? existing = await GetPropertiesOrNullAsync(marker, cancellationToken).ConfigureAwait(false);
            if (existing is null)
            {
                continue;
            }

            LedgerEntry entry = ToEntry(markerName, existing.Metadata, existing.LastModified, existing.ETag);
            if (entry.State == LedgerEntryState.Done)
            {
                return LedgerClaimResult.AlreadyDone;
            }

            if (_timeProvider.GetUtcNow() < ClaimExpiry(entry))
            {
                return LedgerClaimResult.InFlight;
            }

            // The holder crashed or overran its claim: take over on the ETag we judged, so that of several
            // handlers seeing the same expired claim only one gets it.
            LedgerClaim? takenOver = await UploadClaimAsync(marker, version, new BlobRequestConditions { IfMatch = existing.ETag }, cancellationToken).ConfigureAwait(false);
            if (takenOver is not null)
            {
                LogTakenOver(version.SecretName, version.Version, entry.ClaimedBy ?? "unknown", entry.State);
                return LedgerClaimResult.Claimed(takenOver);
            }

            return LedgerClaimResult.InFlight;
        }

        // Created and deleted under us twice: others are busy with this version right now.
        return LedgerClaimResult.InFlight;
    }

    public Task<bool> CommitAsync(LedgerClaim claim, CancellationToken cancellationToken = default) =>
        CommitCoreAsync(claim, coalescedInto: null, cancellationToken);

    public Task<bool> CommitCoalescedAsync(LedgerClaim claim, string coalescedInto, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(coalescedInto);
        return CommitCoreAsync(claim, ToMetadataValue(coalescedInto), cancellationToken);
    }

    private async Task<bool> CommitCoreAsync(LedgerClaim claim, string? coalescedInto, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        BlobClient marker = _container.GetBlobClient(MarkerName(claim.Version));
        var metadata = new Dictionary<string, string>
        {
            [StateKey] = DoneState,
            [DoneOnKey] = FormatTime(_timeProvider.GetUtcNow()),
            [ClaimedByKey] = _instanceId,
        };

        if (coalescedInto is not null)
        {
            metadata[CoalescedIntoKey] = coalescedInto;
        }

        try
        {
            await marker.SetMetadataAsync(metadata, new BlobRequestConditions { IfMatch = new ETag(claim.ETag) }, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 412 || ex.ErrorCode == BlobErrorCode.BlobNotFound)
        {
            // Taken over after expiry (412), or taken over and released by its new holder (404): the claim
            // is not ours to commit, and whoever holds the version now writes and commits it.
            return false;
        }
        catch (Exception ex) when (LedgerFailure.IsStoreFailure(ex, cancellationToken))
        {
            throw Fail("commit", ex);
        }
    }

    public async Task ReleaseAsync(LedgerClaim claim, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(claim);
        BlobClient marker = _container.GetBlobClient(MarkerName(claim.Version));
        try
        {
            await marker.DeleteIfExistsAsync(DeleteSnapshotsOption.None, new BlobRequestConditions { IfMatch = new ETag(claim.ETag) }, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status is 412 or 404)
        {
            // Taken over or already gone: the marker is no longer ours to delete.
        }
        catch (Exception ex) when (LedgerFailure.IsStoreFailure(ex, cancellationToken))
        {
            throw Fail("release", ex);
        }
    }

    /// <summary>Creates the container when it is missing. Called by the first claim; call it at start-up to fail early.</summary>
    public async Task EnsureContainerAsync(CancellationToken cancellationToken = default)
    {
        if (_containerReady)
        {
            return;
        }

        await _containerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_containerReady)
            {
                // Asking first keeps the common case (the container deployed with the infrastructure) within
                // a role that may read and write blobs but not create containers.
                if (!await _container.ExistsAsync(cancellationToken).ConfigureAwait(false))
                {
                    await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
                }

                _containerReady = true;
            }
        }
        catch (Exception ex) when (LedgerFailure.IsStoreFailure(ex, cancellationToken))
        {
            throw Fail("container check", ex);
        }
        finally
        {
            _containerGate.Release();
        }
    }

    /// <summary>The marker of a version as stored, or null when there is none.</summary>
    public async Task<LedgerEntry?> GetEntryAsync(SecretVersionRef version, CancellationToken cancellationToken = default)
    {
        string markerName = MarkerName(version);
        BlobProperties? properties = await GetPropertiesOrNullAsync(_container.GetBlobClient(markerName), cancellationToken).ConfigureAwait(false);
        return properties is null ? null : ToEntry(markerName, properties.Metadata, properties.LastModified, properties.ETag);
    }

    /// <summary>Every marker in the container, e.g. to check that no claim stays in flight forever.</summary>
    public async IAsyncEnumerable<LedgerEntry> ListEntriesAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        IAsyncEnumerator<BlobItem> items = _container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (true)
            {
                BlobItem item;
                try
                {
                    if (!await items.MoveNextAsync().ConfigureAwait(false))
                    {
                        yield break;
                    }

                    item = items.Current;
                }
                catch (Exception ex) when (LedgerFailure.IsStoreFailure(ex, cancellationToken))
                {
                    throw Fail("list", ex);
                }

                yield return ToEntry(item.Name, item.Metadata, item.Properties.LastModified ?? DateTimeOffset.MinValue, item.Properties.ETag ?? default);
            }
        }
        finally
        {
            await items.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Writes a claim under <paramref name="conditions"/>; null when they do not hold (someone else got there first).</summary>
    private async Task<LedgerClaim?> UploadClaimAsync(BlobClient marker, SecretVersionRef version, BlobRequestConditions conditions, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _timeProvider.GetUtcNow();
        DateTimeOffset expiresOn = now + _claimTimeout;
        var options = new BlobUploadOptions
        {
            Conditions = conditions,
            Metadata = new Dictionary<string, string>
            {
                [StateKey] = ClaimedState,
                [ClaimExpiresKey] = FormatTime(expiresOn),
                [ClaimedByKey] = _instanceId,
            },
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        };

        // The body is for people browsing the container; the metadata is what the ledger reads.
        BinaryData body = BinaryData.FromObjectAsJson(
            new { vault = version.VaultName, secret = version.SecretName, version = version.Version, claimedBy = _instanceId, claimedOn = now },
            s_jsonOptions);

        try
        {
            Response<BlobContentInfo> response = await marker.UploadAsync(body, options, cancellationToken).ConfigureAwait(false);
            return new LedgerClaim(version, response.Value.ETag.ToString(), expiresOn);
        }
        catch (RequestFailedException ex) when (ex.Status == 412 || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists || (conditions.IfMatch is not null && ex.ErrorCode == BlobErrorCode.BlobNotFound))
        {
            return null;
        }
        catch (Exception ex) when (LedgerFailure.IsStoreFailure(ex, cancellationToken))
        {
            throw Fail("claim", ex);
        }
    }

    private async Task<BlobProperties?> GetPropertiesOrNullAsync(BlobClient marker, CancellationToken cancellationToken)
    {
        try
        {
            Response<BlobProperties> response = await marker.GetPropertiesAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Value;
        }
        catch (RequestFailedException ex) when (ex.Status == 404 && ex.ErrorCode != BlobErrorCode.ContainerNotFound)
        {
            // HEAD responses have no body, so the error code may be missing: any 404 but the container's is "no marker".
            return null;
        }
        catch (Exception ex) when (LedgerFailure.IsStoreFailure(ex, cancellationToken))
        {
            throw Fail("read", ex);
        }
    }

    private static string? TryGetMarkerName(SecretVersionRef version)
    {
        ArgumentNullException.ThrowIfNull(version);
        return SecretNamePattern().IsMatch(version.SecretName) && VersionPattern().IsMatch(version.Version)
            ? $"{version.SecretName.ToLowerInvariant()}/{version.Version.ToLowerInvariant()}"
            : null;
    }

    private DateTimeOffset ClaimExpiry(LedgerEntry entry) =>
        entry.State == LedgerEntryState.Claimed && entry.ClaimExpiresOn is { } expires
            ? expires
            : entry.LastModified + _claimTimeout;

    private static LedgerEntry ToEntry(string markerName, IDictionary<string, string>? metadata, DateTimeOffset lastModified, ETag etag)
    {
        string? state = Find(metadata, StateKey)?.ToLowerInvariant();
        DateTimeOffset? claimExpires = ParseTime(Find(metadata, ClaimExpiresKey));
        DateTimeOffset? doneOn = ParseTime(Find(metadata, DoneOnKey));
        LedgerEntryState parsed = state switch
        {
            DoneState => LedgerEntryState.Done,
            ClaimedState when claimExpires is not null => LedgerEntryState.Claimed,
            _ => LedgerEntryState.Unknown,
        };

        int slash = markerName.IndexOf('/', StringComparison.Ordinal);
        return new LedgerEntry
        {
            MarkerName = markerName,
            SecretName = slash < 0 ? markerName : markerName[..slash],
            Version = slash < 0 ? string.Empty : markerName[(slash + 1)..],
            State = parsed,
            ClaimExpiresOn = parsed == LedgerEntryState.Claimed ? claimExpires : null,
            DoneOn = parsed == LedgerEntryState.Done ? doneOn : null,
            CoalescedInto = parsed == LedgerEntryState.Done ? Find(metadata, CoalescedIntoKey) : null,
            ClaimedBy = Find(metadata, ClaimedByKey),
            LastModified = lastModified,
            ETag = etag.ToString(),
        };
    }

    private static string? Find(IDictionary<string, string>? metadata, string key)
    {
        if (metadata is null)
        {
            return null;
        }

        // Header names are case-insensitive; do not depend on how the service or the SDK cased them.
        foreach (KeyValuePair<string, string> pair in metadata)
        {
            if (string.Equals(pair.Key, key, StringComparison.OrdinalIgnoreCase))
            {
                return pair.Value.Trim();
            }
        }

        return null;
    }

    private static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time)
            ? time
            : null;

    private static string DefaultInstanceId() =>
        Environment.GetEnvironmentVariable("WEBSITE_INSTANCE_ID") is { Length: > 0 } appServiceInstance
            ? appServiceInstance
            : $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Metadata travels in HTTP headers: printable ASCII only, and short.</summary>
    private static string ToMetadataValue(string text)
    {
        string ascii = new(text.Select(c => c is >= '!' and <= '~' ? c : '_').ToArray());
        return ascii.Length <= 128 ? ascii : ascii[..128];
    }

    private SecretStoreException Fail(string operation, Exception ex)
    {
        if (ex is RequestFailedException { ErrorCode: "ContainerNotFound" })
        {
            // Deleted behind our back: look for it again on the next call rather than failing forever.
            _containerReady = false;
        }

        return LedgerFailure.Translate(operation, ex);
    }

    [GeneratedRegex("^[0-9A-Za-z-]{1,127}$")]
    private static partial Regex SecretNamePattern();

    [GeneratedRegex("^[0-9A-Za-z]{1,64}$")]
    private static partial Regex VersionPattern();

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning,
        Message = "Took over the expired claim on {SecretName} version {SecretVersion} from {PreviousHolder} (state {PreviousState})")]
    private partial void LogTakenOver(string secretName, string secretVersion, string previousHolder, LedgerEntryState previousState);
}
