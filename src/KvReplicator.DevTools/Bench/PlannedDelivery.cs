using KvReplicator.LocalCloud.KeyVault;

namespace KvReplicator.DevTools.Bench;

/// <summary>One Event Grid delivery the bench will make: the version it announces and the exact body on the wire.</summary>
internal sealed record PlannedDelivery(SecretVersionCreated Version, BinaryData Body);
