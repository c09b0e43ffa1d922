namespace KvReplicator;

/// <summary>
/// What the ledger knows of one secret. The replicator changes it only while holding <see cref="Lock"/>, so
/// <see cref="Current"/> and <see cref="Previous"/> are what it last made AWSCURRENT and AWSPREVIOUS, and
/// every decision "is this version newer?" is taken against them under the lock.
/// </summary>
internal sealed record SecretLedgerState
{
    /// <summary>How many done versions a record keeps. An older redelivery falls out of it and is rewritten, which the idempotency token makes a no-op in AWS.</summary>
    public const int MaxDoneVersions = 400;

    public required string Vault { get; init; }

    /// <summary>The secret's name as Key Vault last spelled it.</summary>
    public required string Secret { get; init; }

    /// <summary>The Secrets Manager name the secret was last written to.</summary>
    public string? Target { get; init; }

    /// <summary>
    /// When the target was last seen to be ours (created by us, or checked for the managed-by tag). Null while
    /// not known: the next write creates the target or checks it first. Remembering it here is what spares a
    /// DescribeSecret per version.
    /// </summary>
    public DateTimeOffset? OwnershipVerifiedOn { get; init; }

    /// <summary>The version this replicator last made AWSCURRENT.</summary>
    public LedgerVersion? Current { get; init; }

    /// <summary>The version that holds AWSPREVIOUS, as far as this replicator moved it.</summary>
    public LedgerVersion? Previous { get; init; }

    /// <summary>Versions replicated (or coalesced), newest first by <see cref="LedgerDoneVersion.On"/>; at most <see cref="MaxDoneVersions"/>.</summary>
    public IReadOnlyList<LedgerDoneVersion> Done { get; init; } = [];

    /// <summary>Set while a handler writes this secret; null when free.</summary>
    public SecretLock? Lock { get; init; }

    public static SecretLedgerState Empty(LedgerKey key) => new() { Vault = key.VaultName, Secret = key.SecretName };

    public bool IsDone(string versionId) => FindDone(versionId) is not null;

    public LedgerDoneVersion? FindDone(string versionId)
    {
        foreach (LedgerDoneVersion done in Done)
        {
            if (string.Equals(done.Id, versionId, StringComparison.OrdinalIgnoreCase))
            {
                return done;
            }
        }

        return null;
    }

    /// <summary>The state with <paramref name="done"/> recorded first, the oldest records dropped past <see cref="MaxDoneVersions"/>.</summary>
    public SecretLedgerState WithDone(LedgerDoneVersion done)
    {
        var list = new List<LedgerDoneVersion>(Math.Min(Done.Count + 1, MaxDoneVersions)) { done };
        foreach (LedgerDoneVersion existing in Done)
        {
            if (list.Count == MaxDoneVersions)
            {
                break;
            }

            if (!string.Equals(existing.Id, done.Id, StringComparison.OrdinalIgnoreCase))
            {
                list.Add(existing);
            }
        }

        return this with { Done = list };
    }

    /// <summary>How many versions were written (not coalesced) to the target since <paramref name="since"/>.</summary>
    public int CountWrittenSince(DateTimeOffset since)
    {
        int count = 0;
        foreach (LedgerDoneVersion done in Done)
        {
            if (done.CoalescedInto is null && done.On >= since)
            {
                count++;
            }
        }

        return count;
    }
}

/// <summary>A Key Vault version with its creation time, which orders versions.</summary>
internal sealed record LedgerVersion(string Id, DateTimeOffset Created);

/// <summary>A version done: written to the target on <paramref name="On"/>, or coalesced into a newer one.</summary>
internal sealed record LedgerDoneVersion(string Id, DateTimeOffset Created, DateTimeOffset On, string? CoalescedInto = null);

/// <summary>
/// A handler's hold on a secret until <paramref name="Until"/>, with the writes it plans. A handler that takes
/// an expired lock over reads the intent to learn which versions may have reached AWS without being recorded.
/// </summary>
internal sealed record SecretLock(string Holder, DateTimeOffset Until, IReadOnlyList<LedgerPlannedWrite> Intent);

/// <summary>A write the lock holder plans: a version and the stage it is written with.</summary>
internal sealed record LedgerPlannedWrite(string Id, DateTimeOffset Created, TargetVersionStage Stage);
