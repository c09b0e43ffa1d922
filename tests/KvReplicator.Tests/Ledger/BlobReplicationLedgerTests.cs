using Azure.Storage.Blobs;
using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.Replication;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.Ledger;

/// <summary>What the ledger decides before and without a storage service; its behaviour with one is in the integration tests.</summary>
public sealed class BlobReplicationLedgerTests
{
    private const string Version = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void Marker_name_is_the_lower_cased_secret_and_version()
    {
        Assert.Equal($"db-password/{Version}", BlobReplicationLedger.MarkerName(new SecretVersionRef("vault", "DB-Password", Version.ToUpperInvariant())));
    }

    [Theory]
    [InlineData("a/b", Version)]
    [InlineData("a.b", Version)]
    [InlineData("", Version)]
    [InlineData("name", "../other")]
    [InlineData("name", "")]
    public void Names_that_could_escape_the_marker_layout_are_refused(string secretName, string version)
    {
        Assert.Throws<ArgumentException>(() => BlobReplicationLedger.MarkerName(new SecretVersionRef("vault", secretName, version)));
    }

    [Fact]
    public async Task Claim_of_a_version_that_can_have_no_marker_is_refused_for_good()
    {
        var container = new BlobContainerClient(new Uri("http://127.0.0.1:1/devstoreaccount1/ledger"));
        var ledger = new BlobReplicationLedger(container, Options.Create(new LedgerOptions()), new FakeTimeProvider());

        SecretStoreException error = await Assert.ThrowsAsync<SecretStoreException>(
            () => ledger.TryClaimAsync(new SecretVersionRef("vault", "../escape", Version)));

        Assert.False(error.IsTransient);
        Assert.Equal("InvalidMarkerName", error.ErrorCode);
    }

    [Fact]
    public async Task Unreachable_storage_is_a_transient_store_failure()
    {
        // A port nothing listens on: the connection is refused at once.
        var options = new BlobClientOptions { Retry = { MaxRetries = 0 } };
        var container = new BlobContainerClient(new Uri($"http://127.0.0.1:{FreePort.Next()}/devstoreaccount1/ledger"), options);
        var ledger = new BlobReplicationLedger(container, Options.Create(new LedgerOptions()), new FakeTimeProvider());

        SecretStoreException error = await Assert.ThrowsAsync<SecretStoreException>(
            () => ledger.TryClaimAsync(new SecretVersionRef("vault", "name", Version)));

        Assert.True(error.IsTransient);
        Assert.StartsWith("Ledger container check failed: no response", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Instance_id_is_made_safe_for_a_metadata_header()
    {
        var container = new BlobContainerClient(new Uri("http://127.0.0.1:1/devstoreaccount1/ledger"));

        var ledger = new BlobReplicationLedger(container, Options.Create(new LedgerOptions()), new FakeTimeProvider(), instanceId: "hôte 1");

        Assert.Equal("h_te_1", ledger.InstanceId);
    }
}
