namespace KvReplicator.Ledger;

/// <summary>
/// One marker as stored: for tests, verification and the "nothing stays in flight forever" checks. The
/// names are the marker's, i.e. lower case, because Key Vault names are case-insensitive.
/// </summary>
public sealed record LedgerEntry
{
    /// <summary>The marker blob's name, <c>&lt;secret&gt;/&lt;version&gt;</c>.</summary>
    public required string MarkerName { get; init; }

    public required string SecretName { get; init; }

    public required string Version { get; init; }

    public required LedgerEntryState State { get; init; }

    /// <summary>When the claim stops protecting the version; null once done or when unreadable.</summary>
    public DateTimeOffset? ClaimExpiresOn { get; init; }

    /// <summary>When the version was committed; null until then.</summary>
    public DateTimeOffset? DoneOn { get; init; }

    /// <summary>For a done version that was coalesced rather than written: the newer version it was coalesced into.</summary>
    public string? CoalescedInto { get; init; }

    /// <summary>The instance that claimed (or committed) the version.</summary>
    public string? ClaimedBy { get; init; }

    /// <summary>The storage service's time of the marker's last change.</summary>
    public DateTimeOffset LastModified { get; init; }

    public required string ETag { get; init; }
}
