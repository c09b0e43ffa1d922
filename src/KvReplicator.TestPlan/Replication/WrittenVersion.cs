using KvReplicator.TestPlan.Values;

namespace KvReplicator.TestPlan.Replication;

/// <summary>
/// A Key Vault version the plan wrote: its id, the SHA-256 and shape of its value (the value itself is not
/// kept), when Key Vault confirmed it, and when the watcher first saw it in Secrets Manager.
/// </summary>
public sealed class WrittenVersion(string version, string sha256Hex, int utf8Length, SecretValueFormat format, DateTimeOffset writtenAt)
{
    private long _seenAtTicks;

    public string Version { get; } = version;

    public string Sha256Hex { get; } = sha256Hex;

    public int Utf8Length { get; } = utf8Length;

    public SecretValueFormat Format { get; } = format;

    /// <summary>When <c>SetSecret</c> returned: Key Vault has stored the version and will raise its event.</summary>
    public DateTimeOffset WrittenAt { get; } = writtenAt;

    /// <summary>The first poll that found this version id in Secrets Manager; null while it has not arrived.</summary>
    public DateTimeOffset? SeenInAwsAt
    {
        get
        {
            long ticks = Interlocked.Read(ref _seenAtTicks);
            return ticks == 0 ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
        }
    }

    /// <summary>Observed lag; never negative (the poll may see the version before SetSecret's response arrives).</summary>
    public TimeSpan? Lag => SeenInAwsAt is { } seen ? TimeSpan.FromTicks(Math.Max(0, (seen - WrittenAt).Ticks)) : null;

    /// <summary>Records the first sighting only; later polls keep the earliest time.</summary>
    public void MarkSeen(DateTimeOffset at) => Interlocked.CompareExchange(ref _seenAtTicks, at.UtcTicks, 0);
}
