using KvReplicator.LocalCloud.KeyVault;

namespace KvReplicator.DevTools.Chaos;

/// <summary>One event waiting in the simulated Event Grid: its body, how often it was tried, and since when.</summary>
internal sealed record ScheduledDelivery(SecretVersionCreated Created, string Body, DateTimeOffset PublishedOn, int FailedAttempts);
