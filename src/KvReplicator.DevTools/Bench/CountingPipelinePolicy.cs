using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;
using KvReplicator.Diagnostics;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Counts every attempt the real Key Vault and Blob clients send (it sits just before the transport, so challenges and retries count),
/// telling the two apart by the Key Vault's address and naming the operation as the production telemetry does.
/// Not the production <see cref="RemoteCallPolicy"/>: that one measures a logical call outside the retries; the
/// bench counts what reaches the wire.
/// </summary>
internal sealed class CountingPipelinePolicy(RemoteCallCounter counter, Uri keyVaultUri) : HttpPipelinePolicy
{
    private readonly string _keyVaultAuthority = keyVaultUri.Authority;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        RemoteService service = Record(message.Request);
        long started = Stopwatch.GetTimestamp();
        try
        {
            ProcessNext(message, pipeline);
        }
        finally
        {
            counter.RecordTime(service, Stopwatch.GetElapsedTime(started));
        }
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        RemoteService service = Record(message.Request);
        long started = Stopwatch.GetTimestamp();
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        finally
        {
            counter.RecordTime(service, Stopwatch.GetElapsedTime(started));
        }
    }

    private RemoteService Record(Request request)
    {
        Uri uri = request.Uri.ToUri();
        if (string.Equals(uri.Authority, _keyVaultAuthority, StringComparison.OrdinalIgnoreCase))
        {
            counter.Record(RemoteService.KeyVault, RemoteOperations.KeyVault(request.Method, uri).Name);
            return RemoteService.KeyVault;
        }

        counter.Record(RemoteService.Blob, RemoteOperations.Blob(request.Method, uri).Name);
        return RemoteService.Blob;
    }
}
