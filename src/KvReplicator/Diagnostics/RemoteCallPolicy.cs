using Azure;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KvReplicator.Diagnostics;

/// <summary>
/// Measures every Key Vault or Blob Storage call the Azure SDK makes (<see cref="RemoteCallScope"/>). Added per
/// call: inside the SDK's client span (e.g. <c>SecretClient.GetSecret</c>), outside its retries, authentication
/// challenge and HTTP spans, so one logical call is one measurement however many attempts it took.
/// </summary>
internal sealed class RemoteCallPolicy : HttpPipelinePolicy
{
    /// <summary>For a <c>SecretClient</c>'s options.</summary>
    public static readonly RemoteCallPolicy KeyVault = new(RemoteOperations.KeyVault);

    /// <summary>For a <c>BlobClientOptions</c> (the ledger, dead letters).</summary>
    public static readonly RemoteCallPolicy Blob = new(RemoteOperations.Blob);

    private const string RequestIdAttribute = "az.service_request_id";

    private readonly Func<RequestMethod, Uri, RemoteOperation> _operationOf;

    private RemoteCallPolicy(Func<RequestMethod, Uri, RemoteOperation> operationOf) => _operationOf = operationOf;

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        RemoteCallScope call = Start(message);
        try
        {
            ProcessNext(message, pipeline);
        }
        catch (Exception exception)
        {
            call.Failed(exception, message.CancellationToken.IsCancellationRequested);
            throw;
        }

        Answered(call, message);
    }

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        RemoteCallScope call = Start(message);
        try
        {
            await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            call.Failed(exception, message.CancellationToken.IsCancellationRequested);
            throw;
        }

        Answered(call, message);
    }

    private RemoteCallScope Start(HttpMessage message)
    {
        // The transport builds its request from the same cached Uri, so this costs no allocation of its own.
        Uri uri = message.Request.Uri.ToUri();
        return RemoteCallScope.Start(_operationOf(message.Request.Method, uri), message.Request.Method.Method, uri);
    }

    private static void Answered(RemoteCallScope call, HttpMessage message)
    {
        Response response = message.Response;
        call.Answered(response.Status, RequestIdAttribute, call.IsTraced && response.Headers.RequestId is { } id ? id : null);
    }
}
