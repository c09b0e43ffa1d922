namespace KvReplicator.Replication;

public enum SourceReadStatus
{
    Found,
    Disabled,
    NotFound,
}
