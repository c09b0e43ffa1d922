using Azure.Core;
using Azure.Core.Pipeline;

namespace KvReplicator.IntegrationTests.KeyVault;

/// <summary>Records what each request that reaches the transport carried and got back.</summary>
internal sealed class RequestRecorder : HttpPipelinePolicy
{
    private readonly List<RecordedExchange> _exchanges = [];

    public IReadOnlyList<RecordedExchange> Exchanges
    {
        get
        {
            lock (_exchanges)
            {
                return [.. _exchanges];
            }
        }
    }

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline) =>
        ProcessAsync(message, pipeline).AsTask().GetAwaiter().GetResult();

    public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        bool hadAuthorization = message.Request.Headers.TryGetValue("Authorization", out string? authorization);
        bool hadContent = message.Request.Content is not null;
        await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
        lock (_exchanges)
        {
            _exchanges.Add(new RecordedExchange(message.Request.Method, message.Request.Uri.ToUri(), hadAuthorization ? authorization : null, hadContent, message.Response.Status));
        }
    }
}
