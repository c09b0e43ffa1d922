using System.Text.Json;
using Azure.Storage.Blobs;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.Ledger;
using KvReplicator.Replication;

namespace KvReplicator.IntegrationTests.Ledger;

/// <summary>The ledger against Azurite through the real Blob client: conditional writes are the whole of its concurrency control.</summary>
public sealed class BlobReplicationLedgerTests
{
    private static readonly DateTimeOffset s_created = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_record_written_is_read_back_with_its_ETag_and_state()
    {
        BlobReplicationLedger ledger = new(await NewContainerAsync());
        LedgerKey key = NewKey();
        SecretLedgerState state = SecretLedgerState.Empty(key).WithDone(new LedgerDoneVersion(Version(1), s_created, s_created)) with
        {
            Current = new LedgerVersion(Version(1), s_created),
            Target = "kv/" + key.SecretName,
            OwnershipVerifiedOn = s_created,
            Lock = new SecretLock("me", s_created.AddSeconds(30), [new LedgerPlannedWrite(Version(2), s_created.AddSeconds(1), TargetVersionStage.Current)]),
        };

        LedgerRecord written = (await ledger.TryWriteAsync(key, state, ifMatch: null))!;
        LedgerRecord read = await ledger.ReadAsync(key);

        Assert.NotNull(written.ETag);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal(JsonSerializer.Serialize(state), JsonSerializer.Serialize(read.State));
        Assert.True(read.State!.IsDone(Version(1).ToUpperInvariant()));
    }

    [Fact]
    public async Task No_record_and_no_container_read_as_absent_and_the_first_write_creates_the_container()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobReplicationLedger ledger = new(container);
        LedgerKey key = NewKey();

        LedgerRecord absent = await ledger.ReadAsync(key);
        Assert.Null(absent.ETag);
        Assert.Null(absent.State);

        Assert.NotNull(await ledger.TryWriteAsync(key, SecretLedgerState.Empty(key), ifMatch: null));
        Assert.True(await container.ExistsAsync());
        Assert.True(await container.GetBlobClient($"secrets/test-vault/{key.SecretName.ToLowerInvariant()}").ExistsAsync());
    }

    [Fact]
    public async Task Of_twenty_concurrent_first_writes_exactly_one_wins()
    {
        BlobReplicationLedger ledger = new(await NewContainerAsync());
        LedgerKey key = NewKey();
        await ledger.TryWriteAsync(NewKey(), SecretLedgerState.Empty(key), ifMatch: null); // the container exists

        LedgerRecord?[] results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            ledger.TryWriteAsync(key, SecretLedgerState.Empty(key) with { Target = $"t{i}" }, ifMatch: null)));

        LedgerRecord winner = Assert.Single(results, r => r is not null)!;
        Assert.Equal(winner.State!.Target, (await ledger.ReadAsync(key)).State!.Target);
    }

    [Fact]
    public async Task Of_twenty_concurrent_writes_on_the_same_ETag_exactly_one_wins()
    {
        BlobReplicationLedger ledger = new(await NewContainerAsync());
        LedgerKey key = NewKey();
        LedgerRecord first = (await ledger.TryWriteAsync(key, SecretLedgerState.Empty(key), ifMatch: null))!;

        LedgerRecord?[] results = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            ledger.TryWriteAsync(key, SecretLedgerState.Empty(key) with { Lock = new SecretLock($"h{i}", s_created, []) }, first.ETag)));

        LedgerRecord winner = Assert.Single(results, r => r is not null)!;
        Assert.Equal(winner.State!.Lock!.Holder, (await ledger.ReadAsync(key)).State!.Lock!.Holder);
    }

    [Fact]
    public async Task A_write_on_a_stale_ETag_or_a_second_create_writes_nothing()
    {
        BlobReplicationLedger ledger = new(await NewContainerAsync());
        LedgerKey key = NewKey();
        LedgerRecord first = (await ledger.TryWriteAsync(key, SecretLedgerState.Empty(key), ifMatch: null))!;
        Assert.NotNull(await ledger.TryWriteAsync(key, SecretLedgerState.Empty(key) with { Target = "second" }, first.ETag));

        Assert.Null(await ledger.TryWriteAsync(key, SecretLedgerState.Empty(key) with { Target = "stale" }, first.ETag));
        Assert.Null(await ledger.TryWriteAsync(key, SecretLedgerState.Empty(key) with { Target = "create" }, ifMatch: null));
        Assert.Equal("second", (await ledger.ReadAsync(key)).State!.Target);
    }

    [Fact]
    public async Task An_unreadable_record_reads_as_no_state_and_is_replaced_by_the_next_write()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobReplicationLedger ledger = new(container);
        LedgerKey key = NewKey();
        await ledger.TryWriteAsync(key, SecretLedgerState.Empty(key), ifMatch: null);
        await container.GetBlobClient(key.RecordName).UploadAsync(BinaryData.FromString("{ not json"), overwrite: true);

        LedgerRecord garbled = await ledger.ReadAsync(key);

        Assert.Null(garbled.State);
        Assert.NotNull(garbled.ETag);
        Assert.NotNull(await ledger.TryWriteAsync(key, SecretLedgerState.Empty(key), garbled.ETag));
    }

    [Fact]
    public async Task Vaults_are_kept_apart_and_names_are_case_insensitive()
    {
        BlobReplicationLedger ledger = new(await NewContainerAsync());
        string name = SharedEmulators.UniqueName("Secret");
        var inA = new LedgerKey("vault-a", name);
        await ledger.TryWriteAsync(inA, SecretLedgerState.Empty(inA) with { Target = "a" }, ifMatch: null);

        Assert.Null((await ledger.ReadAsync(new LedgerKey("vault-b", name))).State);
        Assert.Equal("a", (await ledger.ReadAsync(new LedgerKey("VAULT-A", name.ToUpperInvariant()))).State!.Target);
    }

    [Fact]
    public async Task Listing_returns_every_record()
    {
        BlobReplicationLedger ledger = new(await NewContainerAsync());
        LedgerKey[] keys = [NewKey(), NewKey(), NewKey()];
        foreach (LedgerKey key in keys)
        {
            await ledger.TryWriteAsync(key, SecretLedgerState.Empty(key), ifMatch: null);
        }

        List<LedgerRecord> listed = [];
        await foreach (LedgerRecord record in ledger.ListAsync())
        {
            listed.Add(record);
        }

        Assert.Equal(keys.Select(k => k.RecordName).Order(), listed.Select(r => r.Key.RecordName).Order());
    }

    private static string Version(int n) => n.ToString("D32", System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<BlobContainerClient> NewContainerAsync()
    {
        var azurite = await SharedEmulators.AzuriteAsync();
        return new BlobContainerClient(azurite.ConnectionString, SharedEmulators.UniqueName("ledger"));
    }

    private static LedgerKey NewKey() => new("test-vault", SharedEmulators.UniqueName("secret"));
}
