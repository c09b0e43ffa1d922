using System.Text.Json;

namespace KvReplicator.Tests.Fakes;

/// <summary>One request as it left the client.</summary>
public sealed record RecordedRequest(HttpMethod Method, Uri Uri, IReadOnlyDictionary<string, string> Headers, string Body)
{
    /// <summary>The operation named by X-Amz-Target, without the service prefix.</summary>
    public string Operation => Headers.TryGetValue("X-Amz-Target", out string? target) ? target[(target.IndexOf('.', StringComparison.Ordinal) + 1)..] : "";

    public JsonElement Json => JsonDocument.Parse(Body).RootElement;
}
