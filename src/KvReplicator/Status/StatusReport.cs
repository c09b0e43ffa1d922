namespace KvReplicator.Status;

/// <summary>Every secret of one vault, as <c>kvrep status</c> shows them.</summary>
internal sealed record StatusReport
{
    public required string Vault { get; init; }

    public required IReadOnlyList<SecretStatus> Secrets { get; init; }

    /// <summary>When the comparison ran.</summary>
    public required DateTimeOffset At { get; init; }

    /// <summary>Where the dead letters were looked for, or null when no dead-letter container is configured.</summary>
    public string? DeadLetters { get; init; }

    public int Count(SecretState state) => Secrets.Count(secret => secret.State == state);

    /// <summary>True when every secret is in sync or excluded.</summary>
    public bool Settled => Secrets.All(secret => secret.State is SecretState.InSync or SecretState.Excluded);
}
