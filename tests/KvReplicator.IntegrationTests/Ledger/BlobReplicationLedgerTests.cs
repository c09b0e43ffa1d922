using System.Globalization;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KvReplicator.Events;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.Ledger;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.IntegrationTests.Ledger;

/// <summary>The ledger against Azurite through the real Blob client; time is the ledger's fake clock.</summary>
public sealed class BlobReplicationLedgerTests
{
    private static readonly TimeSpan ClaimTimeout = TimeSpan.FromMinutes(2);

    // Azurite dates markers with the real clock, so the fake one starts at the real time.
    private readonly FakeTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Committed_version_is_already_done_for_the_next_delivery()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobReplicationLedger ledger = NewLedger(container);
        SecretVersionRef version = NewVersion();

        LedgerClaimResult first = await ledger.TryClaimAsync(version);
        Assert.Equal(LedgerClaimStatus.Claimed, first.Status);
        Assert.True(await ledger.CommitAsync(first.Claim!));

        LedgerClaimResult again = await ledger.TryClaimAsync(version);
        Assert.Equal(LedgerClaimStatus.AlreadyDone, again.Status);
        Assert.Null(again.Claim);
    }

    [Fact]
    public async Task Second_claim_while_the_first_is_held_is_in_flight()
    {
        BlobContainerClient container = await NewContainerAsync();
        SecretVersionRef version = NewVersion();
        Assert.Equal(LedgerClaimStatus.Claimed, (await NewLedger(container, "a").TryClaimAsync(version)).Status);

        // Just before expiry the claim still protects the version.
        _time.Advance(ClaimTimeout - TimeSpan.FromSeconds(1));
        LedgerClaimResult second = await NewLedger(container, "b").TryClaimAsync(version);

        Assert.Equal(LedgerClaimStatus.InFlight, second.Status);
    }

    [Fact]
    public async Task Released_claim_can_be_claimed_again_at_once()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobReplicationLedger ledger = NewLedger(container);
        SecretVersionRef version = NewVersion();
        LedgerClaim claim = (await ledger.TryClaimAsync(version)).Claim!;

        await ledger.ReleaseAsync(claim);

        Assert.Null(await ledger.GetEntryAsync(version));
        LedgerClaimResult again = await NewLedger(container, "other").TryClaimAsync(version);
        Assert.Equal(LedgerClaimStatus.Claimed, again.Status);
    }

    [Fact]
    public async Task Expired_claim_is_taken_over_and_the_first_holder_can_no_longer_commit()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobReplicationLedger first = NewLedger(container, "first");
        BlobReplicationLedger second = NewLedger(container, "second");
        SecretVersionRef version = NewVersion();
        LedgerClaim stale = (await first.TryClaimAsync(version)).Claim!;

        _time.Advance(ClaimTimeout + TimeSpan.FromSeconds(1));
        LedgerClaimResult takeover = await second.TryClaimAsync(version);

        Assert.Equal(LedgerClaimStatus.Claimed, takeover.Status);
        Assert.Equal(_time.GetUtcNow() + ClaimTimeout, takeover.Claim!.ExpiresOn);
        Assert.False(await first.CommitAsync(stale));
        await first.ReleaseAsync(stale);
        Assert.True(await second.CommitAsync(takeover.Claim));
        LedgerEntry entry = (await second.GetEntryAsync(version))!;
        Assert.Equal(LedgerEntryState.Done, entry.State);
        Assert.Equal("second", entry.ClaimedBy);
    }

    [Fact]
    public async Task Stale_holder_releasing_does_not_remove_the_new_holders_claim()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobReplicationLedger first = NewLedger(container, "first");
        SecretVersionRef version = NewVersion();
        LedgerClaim stale = (await first.TryClaimAsync(version)).Claim!;
        _time.Advance(ClaimTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(LedgerClaimStatus.Claimed, (await NewLedger(container, "second").TryClaimAsync(version)).Status);

        await first.ReleaseAsync(stale);

        LedgerEntry entry = (await first.GetEntryAsync(version))!;
        Assert.Equal(LedgerEntryState.Claimed, entry.State);
        Assert.Equal("second", entry.ClaimedBy);
        Assert.Equal(LedgerClaimStatus.InFlight, (await NewLedger(container, "third").TryClaimAsync(version)).Status);
    }

    [Fact]
    public async Task Twenty_concurrent_claims_of_one_version_yield_exactly_one_claim()
    {
        BlobContainerClient container = await NewContainerAsync();
        SecretVersionRef version = NewVersion();
        BlobReplicationLedger[] instances = Enumerable.Range(0, 20).Select(i => NewLedger(container, $"instance-{i}")).ToArray();

        LedgerClaimResult[] results = await Task.WhenAll(instances.Select(ledger => Task.Run(() => ledger.TryClaimAsync(version))));

        Assert.Single(results, r => r.Status == LedgerClaimStatus.Claimed);
        Assert.Equal(19, results.Count(r => r.Status == LedgerClaimStatus.InFlight));
    }

    [Fact]
    public async Task Concurrent_take_overs_of_an_expired_claim_yield_exactly_one_claim()
    {
        BlobContainerClient container = await NewContainerAsync();
        SecretVersionRef version = NewVersion();
        await NewLedger(container, "crashed").TryClaimAsync(version);
        _time.Advance(ClaimTimeout + TimeSpan.FromSeconds(1));
        BlobReplicationLedger[] instances = Enumerable.Range(0, 10).Select(i => NewLedger(container, $"instance-{i}")).ToArray();

        LedgerClaimResult[] results = await Task.WhenAll(instances.Select(ledger => Task.Run(() => ledger.TryClaimAsync(version))));

        Assert.Single(results, r => r.Status == LedgerClaimStatus.Claimed);
        Assert.Equal(9, results.Count(r => r.Status == LedgerClaimStatus.InFlight));
    }

    [Fact]
    public async Task Commit_after_release_returns_false_and_leaves_no_marker()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobReplicationLedger ledger = NewLedger(container);
        SecretVersionRef version = NewVersion();
        LedgerClaim claim = (await ledger.TryClaimAsync(version)).Claim!;
        await ledger.ReleaseAsync(claim);

        Assert.False(await ledger.CommitAsync(claim));
        Assert.Null(await ledger.GetEntryAsync(version));
    }

    [Fact]
    public async Task Marker_is_named_after_the_lower_cased_secret_and_version_and_carries_the_claim_in_metadata()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobReplicationLedger ledger = NewLedger(container, "instance-7");
        string version = Guid.NewGuid().ToString("N");
        var reference = new SecretVersionRef("my-vault", "Db-Password", version.ToUpperInvariant());

        LedgerClaim claim = (await ledger.TryClaimAsync(reference)).Claim!;

        BlobClient marker = container.GetBlobClient($"db-password/{version}");
        BlobProperties claimed = (await marker.GetPropertiesAsync()).Value;
        Assert.Equal("claimed", claimed.Metadata["state"]);
        Assert.Equal("instance-7", claimed.Metadata["claimedby"]);
        DateTimeOffset expires = DateTimeOffset.Parse(claimed.Metadata["claimexpires"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
        Assert.Equal(_time.GetUtcNow() + ClaimTimeout, expires);
        Assert.EndsWith("Z", claimed.Metadata["claimexpires"], StringComparison.Ordinal);
        Assert.Equal(claimed.ETag.ToString(), claim.ETag);

        using JsonDocument body = JsonDocument.Parse((await marker.DownloadContentAsync()).Value.Content);
        Assert.Equal("Db-Password", body.RootElement.GetProperty("secret").GetString());
        Assert.Equal(
            ["claimedBy", "claimedOn", "secret", "vault", "version"],
            body.RootElement.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));

        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.True(await ledger.CommitAsync(claim));
        BlobProperties done = (await marker.GetPropertiesAsync()).Value;
        Assert.Equal("done", done.Metadata["state"]);
        Assert.Equal(_time.GetUtcNow(), DateTimeOffset.Parse(done.Metadata["doneon"], CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind));
        Assert.False(done.Metadata.ContainsKey("claimexpires"));
        Assert.Equal(["db-password/" + version], await ListNamesAsync(container));
    }

    [Fact]
    public async Task Secret_names_differing_only_in_case_share_one_marker()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobReplicationLedger ledger = NewLedger(container);
        string version = Guid.NewGuid().ToString("N");
        LedgerClaim claim = (await ledger.TryClaimAsync(new SecretVersionRef("vault", "Api-Key", version))).Claim!;
        Assert.Equal(LedgerClaimStatus.InFlight, (await ledger.TryClaimAsync(new SecretVersionRef("vault", "API-KEY", version))).Status);

        await ledger.CommitAsync(claim);

        Assert.Equal(LedgerClaimStatus.AlreadyDone, (await ledger.TryClaimAsync(new SecretVersionRef("vault", "api-key", version))).Status);
        Assert.Single(await ListNamesAsync(container));
    }

    [Fact]
    public async Task Container_is_created_at_first_use()
    {
        var azurite = await SharedEmulators.AzuriteAsync();
        var container = new BlobContainerClient(azurite.ConnectionString, SharedEmulators.UniqueName("ledger"));
        Assert.False(await container.ExistsAsync());

        LedgerClaimResult result = await NewLedger(container).TryClaimAsync(NewVersion());

        Assert.Equal(LedgerClaimStatus.Claimed, result.Status);
        Assert.True(await container.ExistsAsync());
    }

    [Fact]
    public async Task Unreadable_marker_is_claimable_a_claim_timeout_after_its_last_change()
    {
        BlobContainerClient container = await NewContainerAsync();
        SecretVersionRef version = NewVersion();
        BlobReplicationLedger ledger = NewLedger(container);
        await ledger.EnsureContainerAsync();
        await container.GetBlobClient(BlobReplicationLedger.MarkerName(version)).UploadAsync(
            BinaryData.FromString("{}"),
            new BlobUploadOptions { Metadata = new Dictionary<string, string> { ["state"] = "half-written" } });

        Assert.Equal(LedgerEntryState.Unknown, (await ledger.GetEntryAsync(version))!.State);
        Assert.Equal(LedgerClaimStatus.InFlight, (await ledger.TryClaimAsync(version)).Status);

        _time.Advance(ClaimTimeout + TimeSpan.FromMinutes(1));
        Assert.Equal(LedgerClaimStatus.Claimed, (await ledger.TryClaimAsync(version)).Status);
        Assert.Equal(LedgerEntryState.Claimed, (await ledger.GetEntryAsync(version))!.State);
    }

    [Fact]
    public async Task Entries_list_every_marker_with_its_state()
    {
        BlobContainerClient container = await NewContainerAsync();
        BlobReplicationLedger ledger = NewLedger(container, "lister");
        SecretVersionRef done = NewVersion();
        SecretVersionRef inFlight = NewVersion();
        await ledger.CommitAsync((await ledger.TryClaimAsync(done)).Claim!);
        await ledger.TryClaimAsync(inFlight);

        List<LedgerEntry> entries = [];
        await foreach (LedgerEntry entry in ledger.ListEntriesAsync())
        {
            entries.Add(entry);
        }

        LedgerEntry doneEntry = Assert.Single(entries, e => e.Version == done.Version);
        Assert.Equal(LedgerEntryState.Done, doneEntry.State);
        Assert.Equal(_time.GetUtcNow(), doneEntry.DoneOn);
        Assert.Equal(done.SecretName, doneEntry.SecretName);
        LedgerEntry claimedEntry = Assert.Single(entries, e => e.Version == inFlight.Version);
        Assert.Equal(LedgerEntryState.Claimed, claimedEntry.State);
        Assert.Equal(_time.GetUtcNow() + ClaimTimeout, claimedEntry.ClaimExpiresOn);
        Assert.Equal("lister", claimedEntry.ClaimedBy);
        Assert.Equal(2, entries.Count);
    }

    private BlobReplicationLedger NewLedger(BlobContainerClient container, string instanceId = "test-instance") =>
        new(container, Options.Create(new LedgerOptions { ClaimTimeout = ClaimTimeout }), _time, instanceId: instanceId);

    private static async Task<BlobContainerClient> NewContainerAsync()
    {
        var azurite = await SharedEmulators.AzuriteAsync();
        return new BlobContainerClient(azurite.ConnectionString, SharedEmulators.UniqueName("ledger"));
    }

    private static SecretVersionRef NewVersion() =>
        new("test-vault", SharedEmulators.UniqueName("secret"), Guid.NewGuid().ToString("N"));

    private static async Task<List<string>> ListNamesAsync(BlobContainerClient container)
    {
        List<string> names = [];
        await foreach (BlobItem item in container.GetBlobsAsync())
        {
            names.Add(item.Name);
        }

        return names;
    }
}
