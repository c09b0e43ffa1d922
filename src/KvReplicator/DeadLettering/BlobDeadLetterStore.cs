using System.Runtime.CompilerServices;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace KvReplicator.DeadLettering;

/// <summary>
/// Event Grid's storage dead-letter destination: blobs named <c>&lt;SUBSCRIPTION&gt;/yyyy/MM/dd/HH/&lt;id&gt;.json</c>,
/// each a JSON array of events. A replayed blob is copied under <c>replayed/</c> with the same name, then deleted;
/// a crash between the two leaves both, and the next replay finds the events done and finishes the move.
/// </summary>
internal sealed class BlobDeadLetterStore : IDeadLetterStore
{
    private readonly BlobContainerClient _container;

    public BlobDeadLetterStore(BlobContainerClient container)
    {
        _container = container ?? throw new ArgumentNullException(nameof(container));
    }

    public string Location => _container.Uri.GetLeftPart(UriPartial.Path);

    public async IAsyncEnumerable<string> ListAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // The service lists in name order, which for Event Grid's layout is publish-hour order.
        await foreach (BlobItem item in _container.GetBlobsAsync(cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (!item.Name.StartsWith(IDeadLetterStore.ReplayedPrefix, StringComparison.Ordinal))
            {
                yield return item.Name;
            }
        }
    }

    public async Task<BinaryData> ReadAsync(string name, CancellationToken cancellationToken = default)
    {
        Response<BlobDownloadResult> downloaded = await _container.GetBlobClient(name).DownloadContentAsync(cancellationToken).ConfigureAwait(false);
        return downloaded.Value.Content;
    }

    public async Task MarkReplayedAsync(string name, CancellationToken cancellationToken = default)
    {
        BlobClient source = _container.GetBlobClient(name);
        BinaryData content;
        try
        {
            content = (await source.DownloadContentAsync(cancellationToken).ConfigureAwait(false)).Value.Content;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return; // Moved already.
        }

        await _container.GetBlobClient(IDeadLetterStore.ReplayedPrefix + name).UploadAsync(content, overwrite: true, cancellationToken).ConfigureAwait(false);
        await source.DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    public async Task DeleteAsync(string name, CancellationToken cancellationToken = default) =>
        await _container.GetBlobClient(name).DeleteIfExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
}
