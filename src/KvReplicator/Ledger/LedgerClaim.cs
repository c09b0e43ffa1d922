using KvReplicator.Events;

namespace KvReplicator.Ledger;

/// <summary>A handler's hold on one version: the marker's ETag proves it is still ours.</summary>
public sealed record LedgerClaim(SecretVersionRef Version, string ETag, DateTimeOffset ExpiresOn);
