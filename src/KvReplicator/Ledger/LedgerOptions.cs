using KvReplicator.Storage;

namespace KvReplicator.Ledger;

/// <summary>
/// Where the replication ledger keeps one record per secret. Bound from <c>KvReplicator:Ledger</c>; required:
/// set ServiceUri or ConnectionString.
/// </summary>
internal sealed class LedgerOptions : BlobContainerOptions
{
    public const string SectionName = "KvReplicator:Ledger";

    public const string DefaultContainerName = "kvreplicator-ledger";

    public LedgerOptions()
        : base(DefaultContainerName, required: true)
    {
    }
}
