namespace KvReplicator;

/// <summary>One event of a delivery, reduced to what the replicator needs.</summary>
internal sealed record KeyVaultEvent
{
    public required KeyVaultEventKind Kind { get; init; }

    /// <summary>The event's id, when the payload had one; used only for logs and correlation.</summary>
    public string? EventId { get; init; }

    /// <summary>The event type as delivered, or null when the payload had none.</summary>
    public string? EventType { get; init; }

    /// <summary>The version to replicate; set only when <see cref="Kind"/> is <see cref="KeyVaultEventKind.NewSecretVersion"/>.</summary>
    public SecretVersionRef? Version { get; init; }

    /// <summary>When the event was raised (its <c>eventTime</c> or <c>time</c>), if it said: a hint of the version's age, never an order.</summary>
    public DateTimeOffset? AnnouncedOn { get; init; }

    /// <summary>Why the event is ignored or malformed. Never contains a secret value.</summary>
    public string? Reason { get; init; }

    internal static KeyVaultEvent NewVersion(string? eventId, string eventType, SecretVersionRef version) =>
        new() { Kind = KeyVaultEventKind.NewSecretVersion, EventId = eventId, EventType = eventType, Version = version };

    internal static KeyVaultEvent Ignore(string? eventId, string? eventType, string reason) =>
        new() { Kind = KeyVaultEventKind.Ignored, EventId = eventId, EventType = eventType, Reason = reason };

    internal static KeyVaultEvent Malform(string? eventId, string? eventType, string reason) =>
        new() { Kind = KeyVaultEventKind.Malformed, EventId = eventId, EventType = eventType, Reason = reason };
}
