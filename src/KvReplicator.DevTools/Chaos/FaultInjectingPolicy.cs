using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KvReplicator.DevTools.Chaos;

/// <summary>
/// An Azure pipeline policy for the replicator's Key Vault and Blob clients (registered in the container as
/// an <see cref="HttpPipelinePolicy"/>, which both clients add per call): answers some calls with the
/// service's throttling or unavailability, an ETag conflict on a conditional claim, a timeout, a dropped
/// connection, or a response lost after the request took effect.
/// </summary>
public sealed class FaultInjectingPolicy : HttpPipelinePolicy
{
    public const string KeyVaultEdge = "key-vault";
    public const string BlobEdge = "blob-ledger";

    private static readonly string[] s_keyVaultKinds = [FaultKinds.Http429, FaultKinds.Http503, FaultKinds.Timeout, FaultKinds.DroppedConnection];

    private static readonly string[] s_blobKinds = [FaultKinds.Http503, FaultKinds.Timeout, FaultKinds.DroppedConnection, FaultKinds.LostResponse];

    private static readonly string[] s_conditionalBlobKinds = [.. s_blobKinds, FaultKinds.EtagConflict];

    private readonly FaultInjector _faults;

    public FaultInjectingPolicy(FaultInjector faults) => _faults = faults ?? throw new ArgumentNullException(nameof(faults));

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        ArgumentNullException.ThrowIfNull(message);
        bool keyVault = message.Request.Uri.Path.StartsWith("/secrets", StringComparison.OrdinalIgnoreCase);
        // Only a claim's upload (a PUT of the whole marker, no ?comp=) can honestly lose its condition to another
        // handler; a commit's 412 means a takeover, whose holder then commits, so faking one would be a lie.
        bool conditionalUpload = message.Request.Method == RequestMethod.Put &&
            !message.Request.Uri.Query.Contains("comp=", StringComparison.OrdinalIgnoreCase) &&
            (message.Request.Headers.Contains("If-None-Match") || message.Request.Headers.Contains("If-Match"));
        string edge = keyVault ? KeyVaultEdge : BlobEdge;
        string? fault = _faults.Next(edge, keyVault ? s_keyVaultKinds : conditionalUpload ? s_conditionalBlobKinds : s_blobKinds);

        switch (fault)
        {
            case FaultKinds.Http429:
                message.Response = new InjectedResponse(429, "Too Many Requests", "Throttled", message.Request.ClientRequestId,
                    new Dictionary<string, string> { ["Retry-After"] = "1" });
                return;
            case FaultKinds.Http503:
                message.Response = new InjectedResponse(503, "Service Unavailable", keyVault ? "ServiceUnavailable" : "ServerBusy", message.Request.ClientRequestId);
                return;
            case FaultKinds.EtagConflict:
                message.Response = new InjectedResponse(412, "Precondition Failed", keyVault ? "Conflict" : "ConditionNotMet", message.Request.ClientRequestId);
                return;
            case FaultKinds.Timeout:
                // Azure.Core's own shape for its network timeout.
                throw new TaskCanceledException("The operation was cancelled because it exceeded the configured timeout (injected).", new TimeoutException());
            case FaultKinds.DroppedConnection:
                throw new RequestFailedException("Connection reset by peer (injected).", new HttpRequestException(HttpRequestError.ConnectionError));
            case FaultKinds.LostResponse:
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
                message.Response.Dispose();
                throw new RequestFailedException("The response ended prematurely (injected).", new HttpRequestException(HttpRequestError.ResponseEnded));
            default:
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
                return;
        }
    }
}
