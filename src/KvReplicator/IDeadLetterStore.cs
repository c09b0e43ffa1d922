namespace KvReplicator;

/// <summary>
/// Where Event Grid left the events it gave up on: its dead-letter blob container, or a folder of the same
/// files. Replayed dead letters are moved under <see cref="ReplayedPrefix"/> or deleted; the rest stay put.
/// </summary>
internal interface IDeadLetterStore
{
    /// <summary>The prefix (container) or subfolder (folder) that replayed dead letters are moved to, and that listing skips.</summary>
    public const string ReplayedPrefix = "replayed/";

    /// <summary>Where the dead letters are, for reports; never includes a key or a SAS.</summary>
    string Location { get; }

    /// <summary>The names of the dead letters not replayed yet, in a stable order.</summary>
    IAsyncEnumerable<string> ListAsync(CancellationToken cancellationToken = default);

    Task<BinaryData> ReadAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Moves a replayed dead letter under <see cref="ReplayedPrefix"/>; moving one already moved is harmless.</summary>
    Task MarkReplayedAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deletes a replayed dead letter; deleting one already gone is harmless.</summary>
    Task DeleteAsync(string name, CancellationToken cancellationToken = default);
}
