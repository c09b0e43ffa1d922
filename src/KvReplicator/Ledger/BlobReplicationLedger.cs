using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvReplicator.Ledger;

/// <summary>
/// The ledger as one JSON blob per secret and target (<see cref="LedgerKey.RecordName"/>: <c>secrets/&lt;vault&gt;/&lt;secret&gt;</c>
/// for the unnamed target, <c>targets/&lt;target&gt;/&lt;vault&gt;/&lt;secret&gt;</c> for a named one), in lower case. Reads
/// return the blob's ETag; every write is conditional on it (or on If-None-Match: * for the first), which is
/// the whole of the concurrency control: the store never decides anything.
/// </summary>
/// <remarks>
/// A record that cannot be parsed (written by hand, or by a future version) is read as no state with its ETag:
/// the next lock overwrites it. That loses only the memory of done versions, and a rewrite of a done version
/// is a no-op in Secrets Manager because the Key Vault version id is the idempotency token.
/// </remarks>
internal sealed partial class BlobReplicationLedger : IReplicationLedger
{
    private readonly BlobContainerClient _container;
    private readonly ILogger<BlobReplicationLedger> _logger;
    private readonly SemaphoreSlim _containerGate = new(1, 1);

    /// <param name="container">The container of records; created when the first write finds it missing.</param>
    /// <param name="logger">Logs unreadable records.</param>
    public BlobReplicationLedger(BlobContainerClient container, ILogger<BlobReplicationLedger>? logger = null)
    {
        _container = container ?? throw new ArgumentNullException(nameof(container));
        _logger = logger ?? NullLogger<BlobReplicationLedger>.Instance;
    }

    public async Task<LedgerRecord> ReadAsync(LedgerKey key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        BlobClient blob = _container.GetBlobClient(key.RecordName);
        try
        {
            Response<BlobDownloadResult> response = await blob.DownloadContentAsync(cancellationToken).ConfigureAwait(false);
            return new LedgerRecord(key, Parse(key, response.Value.Content), response.Value.Details.ETag.ToString());
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            // No record yet, or no container yet (the first write creates it): nothing was replicated here.
            return LedgerRecord.Absent(key);
        }
        catch (Exception ex) when (LedgerFailure.IsStoreFailure(ex, cancellationToken))
        {
            throw LedgerFailure.Translate("read", ex);
        }
    }

    public async Task<LedgerRecord?> TryWriteAsync(LedgerKey key, SecretLedgerState state, string? ifMatch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(state);
        BlobClient blob = _container.GetBlobClient(key.RecordName);
        var options = new BlobUploadOptions
        {
            Conditions = ifMatch is null ? new BlobRequestConditions { IfNoneMatch = ETag.All } : new BlobRequestConditions { IfMatch = new ETag(ifMatch) },
            HttpHeaders = new BlobHttpHeaders { ContentType = "application/json" },
        };
        BinaryData body = BinaryData.FromBytes(JsonSerializer.SerializeToUtf8Bytes(state, LedgerJsonContext.Default.SecretLedgerState));

        for (int attempt = 0; ; attempt++)
        {
            try
            {
                Response<BlobContentInfo> response = await blob.UploadAsync(body, options, cancellationToken).ConfigureAwait(false);
                return new LedgerRecord(key, state, response.Value.ETag.ToString());
            }
            catch (RequestFailedException ex) when (ex.Status == 412 || ex.ErrorCode == BlobErrorCode.BlobAlreadyExists || (ifMatch is not null && ex.ErrorCode == BlobErrorCode.BlobNotFound))
            {
                return null;
            }
            catch (RequestFailedException ex) when (attempt == 0 && ex.ErrorCode == BlobErrorCode.ContainerNotFound)
            {
                await EnsureContainerAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (LedgerFailure.IsStoreFailure(ex, cancellationToken))
            {
                throw LedgerFailure.Translate("write", ex);
            }
        }
    }

    public async IAsyncEnumerable<LedgerRecord> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var keys = new List<LedgerKey>();
        try
        {
            foreach (string prefix in new[] { LedgerKey.DefaultTargetPrefix, LedgerKey.NamedTargetsPrefix })
            {
                await foreach (BlobItem item in _container.GetBlobsAsync(new GetBlobsOptions { Prefix = prefix }, cancellationToken).ConfigureAwait(false))
                {
                    if (LedgerKey.FromRecordName(item.Name) is { } key)
                    {
                        keys.Add(key);
                    }
                }
            }
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == BlobErrorCode.ContainerNotFound)
        {
            yield break;
        }
        catch (Exception ex) when (LedgerFailure.IsStoreFailure(ex, cancellationToken))
        {
            throw LedgerFailure.Translate("list", ex);
        }

        foreach (LedgerKey key in keys)
        {
            LedgerRecord record = await ReadAsync(key, cancellationToken).ConfigureAwait(false);
            if (record.ETag is not null)
            {
                yield return record;
            }
        }
    }

    /// <summary>Creates the container when it is missing. Writes call it when they find no container; call it at start-up to fail early.</summary>
    public async Task EnsureContainerAsync(CancellationToken cancellationToken = default)
    {
        await _containerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Asking first keeps the common case (the container deployed with the infrastructure) within
            // a role that may read and write blobs but not create containers.
            if (!await _container.ExistsAsync(cancellationToken).ConfigureAwait(false))
            {
                await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (LedgerFailure.IsStoreFailure(ex, cancellationToken))
        {
            throw LedgerFailure.Translate("container check", ex);
        }
        finally
        {
            _containerGate.Release();
        }
    }

    private SecretLedgerState? Parse(LedgerKey key, BinaryData content)
    {
        try
        {
            return JsonSerializer.Deserialize(content.ToMemory().Span, LedgerJsonContext.Default.SecretLedgerState);
        }
        catch (JsonException)
        {
            LogUnreadable(key.RecordName);
            return null;
        }
    }

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning,
        Message = "Ledger record {RecordName} cannot be read; the next write replaces it (done versions it listed are rewritten as no-ops)")]
    private partial void LogUnreadable(string recordName);
}
