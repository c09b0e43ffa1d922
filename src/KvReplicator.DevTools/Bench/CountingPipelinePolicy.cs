using System.Diagnostics;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Counts every attempt the real Key Vault and Blob clients send (it sits just before the transport, so challenges and retries count),
/// telling the two apart by the Key Vault's address and naming the operation from the method and URL.
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
            counter.Record(RemoteService.KeyVault, KeyVaultOperation(request.Method, uri));
            return RemoteService.KeyVault;
        }

        counter.Record(RemoteService.Blob, BlobOperation(request.Method, uri));
        return RemoteService.Blob;
    }

    internal static string KeyVaultOperation(RequestMethod method, Uri uri)
    {
        string[] segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (method != RequestMethod.Get || segments.Length < 2 || segments[0] != "secrets")
        {
            return $"{method} {uri.AbsolutePath}";
        }

        return segments.Length switch
        {
            2 => "GetSecret(latest)",
            3 when segments[2] == "versions" => "GetSecretVersions",
            3 => "GetSecret(version)",
            _ => $"GET {uri.AbsolutePath}",
        };
    }

    internal static string BlobOperation(RequestMethod method, Uri uri)
    {
        string query = uri.Query;
        bool container = query.Contains("restype=container", StringComparison.OrdinalIgnoreCase);
        bool list = query.Contains("comp=list", StringComparison.OrdinalIgnoreCase);
        bool metadata = query.Contains("comp=metadata", StringComparison.OrdinalIgnoreCase);
        return (method.Method, container, list, metadata) switch
        {
            ("GET", true, true, _) => "ListBlobs",
            ("GET" or "HEAD", true, _, _) => "GetContainerProperties",
            ("PUT", true, _, _) => "CreateContainer",
            ("PUT", false, _, true) => "SetBlobMetadata",
            ("PUT", false, _, false) => "PutBlob",
            ("GET", false, _, _) => "GetBlob",
            ("HEAD", false, _, _) => "GetBlobProperties",
            ("DELETE", false, _, _) => "DeleteBlob",
            _ => $"{method.Method} {uri.AbsolutePath}",
        };
    }
}
