namespace KvReplicator.DeadLettering;

/// <summary>One dead letter and what its replay did.</summary>
/// <param name="Name">The blob or file name, relative to the container or folder.</param>
/// <param name="Status">How it ended.</param>
/// <param name="Events">Its events, in order; empty when unreadable.</param>
/// <param name="Detail">Why it is unreadable or could not be moved; null otherwise.</param>
internal sealed record DeadLetterReplayResult(string Name, DeadLetterReplayStatus Status, IReadOnlyList<ReplayedEvent> Events, string? Detail = null);
