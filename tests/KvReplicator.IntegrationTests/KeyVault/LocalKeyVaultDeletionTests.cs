using Azure;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.LocalCloud.KeyVault;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.IntegrationTests.KeyVault;

/// <summary>Soft delete, recover and purge, as Key Vault with soft delete on (the only mode it has now).</summary>
public sealed class LocalKeyVaultDeletionTests
{
    private static readonly DateTimeOffset s_start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_deleted_secret_is_gone_until_recovered_and_then_has_its_versions_back()
    {
        var clock = new FakeTimeProvider(s_start);
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { TimeProvider = clock });
        SecretClient client = vault.CreateSecretClient();
        KeyVaultSecret first = await client.SetSecretAsync("recoverable", "one");
        await client.SetSecretAsync("recoverable", "two");
        clock.Advance(TimeSpan.FromMinutes(1));

        DeleteSecretOperation delete = await client.StartDeleteSecretAsync("recoverable");
        DeletedSecret deleted = await delete.WaitForCompletionAsync();
        RequestFailedException whileDeleted = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("recoverable"));
        RequestFailedException reuse = await Assert.ThrowsAsync<RequestFailedException>(() => client.SetSecretAsync("recoverable", "three"));
        DeletedSecret fetched = await client.GetDeletedSecretAsync("RECOVERABLE");
        List<DeletedSecret> listed = await LocalKeyVaultSecretTests.ToListAsync(client.GetDeletedSecretsAsync());
        List<SecretProperties> active = await LocalKeyVaultSecretTests.ToListAsync(client.GetPropertiesOfSecretsAsync());

        RecoverDeletedSecretOperation recover = await client.StartRecoverDeletedSecretAsync("recoverable");
        await recover.WaitForCompletionAsync();
        KeyVaultSecret afterRecovery = await client.GetSecretAsync("recoverable");
        KeyVaultSecret oldVersion = await client.GetSecretAsync("recoverable", first.Properties.Version);

        Assert.Equal(new Uri(vault.VaultUri, "deletedsecrets/recoverable"), deleted.RecoveryId);
        Assert.Equal(s_start.AddMinutes(1), deleted.DeletedOn);
        Assert.Equal(s_start.AddMinutes(1).AddDays(90), deleted.ScheduledPurgeDate);
        Assert.Equal(404, whileDeleted.Status);
        Assert.Equal("SecretNotFound", whileDeleted.ErrorCode);
        Assert.Equal(409, reuse.Status);
        Assert.Equal("Conflict", reuse.ErrorCode);
        Assert.Equal("recoverable", fetched.Name);
        Assert.Equal("recoverable", Assert.Single(listed).Name);
        Assert.Empty(active);
        Assert.Equal("two", afterRecovery.Value);
        Assert.Equal("one", oldVersion.Value);
    }

    [Fact]
    public async Task A_purged_secret_is_gone_for_good_and_its_name_is_free_again()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        SecretClient client = vault.CreateSecretClient();
        await client.SetSecretAsync("purged", "one");
        await (await client.StartDeleteSecretAsync("purged")).WaitForCompletionAsync();

        await client.PurgeDeletedSecretAsync("purged");
        RequestFailedException gone = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetDeletedSecretAsync("purged"));
        await client.SetSecretAsync("purged", "fresh");
        List<SecretProperties> versions = await LocalKeyVaultSecretTests.ToListAsync(client.GetPropertiesOfSecretVersionsAsync("purged"));

        Assert.Equal(404, gone.Status);
        Assert.Single(versions);
    }

    [Fact]
    public async Task Deleting_recovering_or_purging_what_is_not_there_is_SecretNotFound()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        SecretClient client = vault.CreateSecretClient();
        await client.SetSecretAsync("alive", "v");

        RequestFailedException delete = await Assert.ThrowsAsync<RequestFailedException>(() => client.StartDeleteSecretAsync("never-was"));
        RequestFailedException recover = await Assert.ThrowsAsync<RequestFailedException>(() => client.StartRecoverDeletedSecretAsync("alive"));
        RequestFailedException purge = await Assert.ThrowsAsync<RequestFailedException>(() => client.PurgeDeletedSecretAsync("alive"));

        Assert.All([delete, recover, purge], e => Assert.Equal((404, "SecretNotFound"), (e.Status, e.ErrorCode)));
    }
}
