using KvReplicator.Storage;

namespace KvReplicator.DeadLettering;

/// <summary>
/// Where a host dead-letters the deliveries it rejects (permanent failures it acknowledges, so Event Grid
/// never dead-letters them itself). Bound from <c>KvReplicator:DeadLetter</c>. Optional: with neither
/// ServiceUri nor ConnectionString set (<see cref="BlobContainerOptions.IsConfigured"/> false), rejected events
/// are only logged.
/// </summary>
internal sealed class DeadLetterOptions : BlobContainerOptions
{
    public const string SectionName = "KvReplicator:DeadLetter";

    /// <summary>
    /// The default of infra/'s <c>dead_letter_container_name</c>: the container Event Grid dead-letters into, so
    /// <c>kvrep replay</c> finds both in one place.
    /// </summary>
    public const string DefaultContainerName = "kvreplicator-deadletter";

    public DeadLetterOptions()
        : base(DefaultContainerName, required: false)
    {
    }
}
