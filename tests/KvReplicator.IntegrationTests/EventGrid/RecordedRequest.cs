namespace KvReplicator.IntegrationTests.EventGrid;

/// <summary>One request the recording webhook received, with the headers Event Grid sets.</summary>
public sealed record RecordedRequest(string Method, string? ContentType, IReadOnlyDictionary<string, string> Headers, string Query, string Body)
{
    public string? Header(string name) => Headers.TryGetValue(name.ToLowerInvariant(), out string? value) ? value : null;

    public bool IsNotification => Method == "POST" && Header("aeg-event-type") == "Notification";
}
