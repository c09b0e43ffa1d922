using System.Collections.Concurrent;
using Azure.Core;
using Azure.Core.Pipeline;

namespace KvReplicator.IntegrationTests.Fakes;

/// <summary>Records the method and path of every request an Azure SDK client sends through it.</summary>
internal sealed class RecordingPipelinePolicy : HttpPipelinePolicy
{
    private readonly ConcurrentQueue<string> _requests = new();

    public IReadOnlyList<string> Requests => [.. _requests];

    public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        ProcessNext(message, pipeline);
    }

    public override ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
    {
        Record(message);
        return ProcessNextAsync(message, pipeline);
    }

    private void Record(HttpMessage message) => _requests.Enqueue($"{message.Request.Method} {message.Request.Uri.ToUri().AbsolutePath}");
}
