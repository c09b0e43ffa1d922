namespace KvReplicator.Tests.Ledger;

/// <summary>
/// A record per vault, secret and AWS target: the unnamed target keeps the name existing ledgers use, a named one
/// has its own, and a listing reads every name back to its key.
/// </summary>
public sealed class LedgerKeyTests
{
    [Theory]
    [InlineData("Kv-Prod", "DB-Password", null, "secrets/kv-prod/db-password")]
    [InlineData("Kv-Prod", "DB-Password", "Prod-EU", "targets/prod-eu/kv-prod/db-password")]
    public void A_record_is_named_by_vault_secret_and_target(string vault, string secret, string? target, string expected)
    {
        var key = new LedgerKey(vault, secret, target);

        Assert.Equal(expected, key.RecordName);
        Assert.Equal(key.RecordName, LedgerKey.FromRecordName(expected)!.RecordName);
    }

    [Fact]
    public void Two_targets_and_two_vaults_never_share_a_record()
    {
        string[] names =
        [
            new LedgerKey("a", "db").RecordName,
            new LedgerKey("b", "db").RecordName,
            new LedgerKey("a", "db", "east").RecordName,
            new LedgerKey("a", "db", "west").RecordName,
            new LedgerKey("b", "db", "west").RecordName,
        ];

        Assert.Equal(names.Length, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("secrets/kv/db", "kv", "db", null)]
    [InlineData("targets/east/kv/db", "kv", "db", "east")]
    public void A_listed_name_is_read_back_to_its_key(string name, string vault, string secret, string? target) =>
        Assert.Equal(new LedgerKey(vault, secret, target), LedgerKey.FromRecordName(name));

    [Theory]
    [InlineData("secrets/kv")]
    [InlineData("secrets/kv/db/extra")]
    [InlineData("targets/east/kv")]
    [InlineData("targets//kv/db")]
    [InlineData("dead-letters/2026/x.json")]
    public void Other_blobs_are_no_records(string name) => Assert.Null(LedgerKey.FromRecordName(name));
}
