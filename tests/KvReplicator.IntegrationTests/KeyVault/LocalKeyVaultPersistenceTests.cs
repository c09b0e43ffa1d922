using Azure.Security.KeyVault.Secrets;
using KvReplicator.LocalCloud.KeyVault;

namespace KvReplicator.IntegrationTests.KeyVault;

public sealed class LocalKeyVaultPersistenceTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("kvrep-test-localvault-").FullName;

    [Fact]
    public async Task A_persisted_vault_comes_back_after_a_restart_with_every_version_and_deletion()
    {
        string path = Path.Combine(_directory, "vault.json");
        string firstVersion;
        await using (LocalKeyVault vault = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { PersistencePath = path }))
        {
            SecretClient client = vault.CreateSecretClient();
            firstVersion = (await client.SetSecretAsync("kept", "one")).Value.Properties.Version;
            await client.SetSecretAsync(new KeyVaultSecret("kept", "two") { Properties = { Tags = { ["k"] = "v" } } });
            await client.SetSecretAsync("deleted", "x");
            await (await client.StartDeleteSecretAsync("deleted")).WaitForCompletionAsync();
        }

        await using (LocalKeyVault restarted = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { PersistencePath = path }))
        {
            SecretClient client = restarted.CreateSecretClient();
            KeyVaultSecret latest = await client.GetSecretAsync("kept");
            KeyVaultSecret first = await client.GetSecretAsync("kept", firstVersion);
            DeletedSecret deleted = await client.GetDeletedSecretAsync("deleted");

            Assert.Equal("two", latest.Value);
            Assert.Equal("v", latest.Properties.Tags["k"]);
            Assert.Equal("one", first.Value);
            Assert.Equal("deleted", deleted.Name);
        }

        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Assert.Equal(["vault.json"], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
