using Azure;
using Azure.Storage.Blobs;

namespace KvReplicator.DeadLettering;

/// <summary>Dead letters as blobs of a container, beside the ones Event Grid writes there.</summary>
internal sealed class BlobDeadLetterSink : IDeadLetterSink
{
    private readonly BlobContainerClient _container;

    public BlobDeadLetterSink(BlobContainerClient container)
    {
        _container = container ?? throw new ArgumentNullException(nameof(container));
    }

    public string Location => _container.Uri.GetLeftPart(UriPartial.Path);

    public async Task WriteAsync(string name, BinaryData content, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(content);
        BlobClient blob = _container.GetBlobClient(name);
        try
        {
            await blob.UploadAsync(content, overwrite: true, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.ErrorCode == "ContainerNotFound")
        {
            // infra/ creates the container; only a fresh emulator or a hand-made account lacks it, so it is
            // created here, on the rare miss, rather than checked before every write.
            await _container.CreateIfNotExistsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
            await blob.UploadAsync(content, overwrite: true, cancellationToken).ConfigureAwait(false);
        }
    }
}
