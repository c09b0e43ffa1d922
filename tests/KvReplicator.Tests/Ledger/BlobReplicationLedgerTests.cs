using System.Text.Json;
using Azure.Storage.Blobs;
using KvReplicator.Ledger;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.Replication;

namespace KvReplicator.Tests.Ledger;

/// <summary>What the ledger decides before and without a storage service; its behaviour with one is in the integration tests.</summary>
public sealed class BlobReplicationLedgerTests
{
    private const string Version = "0123456789abcdef0123456789abcdef";
    private static readonly DateTimeOffset s_created = new(2026, 11, 23, 12, 0, 1, TimeSpan.Zero);

    [Fact]
    public void A_record_is_named_after_the_vault_and_the_secret_in_lower_case()
    {
        Assert.Equal("secrets/sample-kv/db-password", new LedgerKey("Sample-KV", "DB-Password").RecordName);
    }

    [Fact]
    public void Spellings_of_one_secret_share_a_record_and_two_vaults_never_do()
    {
        Assert.Equal(new LedgerKey("kv", "DB-Password").RecordName, new LedgerKey("KV", "db-password").RecordName);
        Assert.NotEqual(new LedgerKey("kv-a", "db").RecordName, new LedgerKey("kv-b", "db").RecordName);
    }

    [Fact]
    public void A_state_survives_its_round_trip_through_the_records_json()
    {
        SecretLedgerState state = SecretLedgerState.Empty(new LedgerKey("sample-kv", "db-password")).WithDone(new LedgerDoneVersion(Version, s_created, s_created.AddMinutes(1))) with
        {
            Target = "kv/db-password",
            OwnershipVerifiedOn = s_created.AddMinutes(1),
            Current = new LedgerVersion(Version, s_created),
            Previous = new LedgerVersion("fedcba9876543210fedcba9876543210", s_created.AddSeconds(-5)),
            Lock = new SecretLock("host-1", s_created.AddMinutes(2), [new LedgerPlannedWrite(Version, s_created, TargetVersionStage.Previous)]),
        };
        state = state.WithDone(new LedgerDoneVersion("00000000000000000000000000000001", s_created, s_created, CoalescedInto: Version));

        byte[] json = JsonSerializer.SerializeToUtf8Bytes(state, LedgerJsonContext.Default.SecretLedgerState);
        SecretLedgerState read = JsonSerializer.Deserialize(json, LedgerJsonContext.Default.SecretLedgerState)!;

        Assert.Equal(JsonSerializer.Serialize(state, LedgerJsonContext.Default.SecretLedgerState), JsonSerializer.Serialize(read, LedgerJsonContext.Default.SecretLedgerState));
        Assert.Equal((state.Current, state.Previous, state.OwnershipVerifiedOn, state.Target), (read.Current, read.Previous, read.OwnershipVerifiedOn, read.Target));
        Assert.Equal(state.Done, read.Done);
        Assert.Equal((state.Lock!.Holder, state.Lock.Until), (read.Lock!.Holder, read.Lock.Until));
        Assert.Equal(state.Lock.Intent, read.Lock.Intent);
    }

    [Fact]
    public void The_record_is_compact_json_with_stages_by_name_and_no_nulls()
    {
        SecretLedgerState state = SecretLedgerState.Empty(new LedgerKey("sample-kv", "db")) with
        {
            Lock = new SecretLock("host-1", s_created, [new LedgerPlannedWrite(Version, s_created, TargetVersionStage.Current)]),
        };

        string json = JsonSerializer.Serialize(state, LedgerJsonContext.Default.SecretLedgerState);

        Assert.Contains("\"stage\":\"Current\"", json, StringComparison.Ordinal);
        Assert.Contains("\"vault\":\"sample-kv\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Done_versions_are_kept_newest_first_up_to_the_limit_and_a_version_done_again_moves_to_the_front()
    {
        SecretLedgerState state = SecretLedgerState.Empty(new LedgerKey("kv", "db"));
        for (int i = 0; i < SecretLedgerState.MaxDoneVersions + 10; i++)
        {
            state = state.WithDone(new LedgerDoneVersion($"{i:x32}", s_created, s_created.AddSeconds(i)));
        }

        state = state.WithDone(new LedgerDoneVersion($"{SecretLedgerState.MaxDoneVersions:x32}", s_created, s_created.AddDays(1)));

        Assert.Equal(SecretLedgerState.MaxDoneVersions, state.Done.Count);
        Assert.Equal($"{SecretLedgerState.MaxDoneVersions:x32}", state.Done[0].Id);
        Assert.Single(state.Done, done => done.Id == $"{SecretLedgerState.MaxDoneVersions:x32}");
        Assert.False(state.IsDone($"{9:x32}"));
        Assert.True(state.IsDone($"{SecretLedgerState.MaxDoneVersions + 9:x32}".ToUpperInvariant()));
    }

    [Fact]
    public async Task Unreachable_storage_is_a_transient_store_failure()
    {
        // A port nothing listens on: the connection is refused at once.
        var options = new BlobClientOptions { Retry = { MaxRetries = 0 } };
        var container = new BlobContainerClient(new Uri($"http://127.0.0.1:{FreePort.Next()}/devstoreaccount1/ledger"), options);
        var ledger = new BlobReplicationLedger(container);

        SecretStoreException read = await Assert.ThrowsAsync<SecretStoreException>(() => ledger.ReadAsync(new LedgerKey("vault", "name")));
        SecretStoreException write = await Assert.ThrowsAsync<SecretStoreException>(
            () => ledger.TryWriteAsync(new LedgerKey("vault", "name"), SecretLedgerState.Empty(new LedgerKey("vault", "name")), ifMatch: null));

        Assert.True(read.IsTransient);
        Assert.StartsWith("Ledger read failed: no response", read.Message, StringComparison.Ordinal);
        Assert.True(write.IsTransient);
        Assert.StartsWith("Ledger write failed: no response", write.Message, StringComparison.Ordinal);
    }
}
