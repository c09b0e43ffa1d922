using System.Threading.Channels;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.LocalCloud.KeyVault;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.IntegrationTests.KeyVault;

public sealed class LocalKeyVaultEventTests
{
    private static readonly DateTimeOffset s_start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Every_new_version_is_announced_once_with_its_facts_and_nothing_else_is()
    {
        var clock = new FakeTimeProvider(s_start);
        LocalKeyVault vault = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { VaultName = "eventvault", TimeProvider = clock });
        var announced = new List<SecretVersionCreated>();
        vault.SecretVersionCreated += announced.Add;
        vault.SecretVersionCreated += _ => throw new InvalidOperationException("a faulty listener must not silence the others");
        SecretClient client = vault.CreateSecretClient();

        KeyVaultSecret first = await client.SetSecretAsync(new KeyVaultSecret("Announced", "one")
        {
            Properties = { NotBefore = s_start.AddHours(-1), ExpiresOn = s_start.AddDays(1) },
        });
        clock.Advance(TimeSpan.FromSeconds(30));
        KeyVaultSecret second = await client.SetSecretAsync("announced", "two");
        SecretProperties properties = second.Properties;
        properties.Enabled = false;
        await client.UpdateSecretPropertiesAsync(properties);
        await (await client.StartDeleteSecretAsync("announced")).WaitForCompletionAsync();
        await (await client.StartRecoverDeletedSecretAsync("announced")).WaitForCompletionAsync();

        // Disposing delivers every announcement already made, so the list is complete afterwards.
        await vault.DisposeAsync();

        Assert.Equal(2, announced.Count);
        Assert.Equal(new SecretVersionCreated("eventvault", vault.VaultUri, "Announced", first.Properties.Version, s_start, s_start.AddHours(-1), s_start.AddDays(1)), announced[0]);
        Assert.Equal(new SecretVersionCreated("eventvault", vault.VaultUri, "Announced", second.Properties.Version, s_start.AddSeconds(30), null, null), announced[1]);
        Assert.Equal(second.Id, announced[1].Id);
    }

    [Fact]
    public async Task Responses_do_not_wait_for_slow_listeners()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        var release = new TaskCompletionSource();
        var seen = Channel.CreateUnbounded<SecretVersionCreated>();
        vault.SecretVersionCreated += created =>
        {
            release.Task.Wait();
            seen.Writer.TryWrite(created);
        };
        SecretClient client = vault.CreateSecretClient();

        KeyVaultSecret set = await client.SetSecretAsync("slow-listener", "v");
        bool deliveredBeforeRelease = seen.Reader.TryRead(out _);
        release.SetResult();
        SecretVersionCreated delivered = await seen.Reader.ReadAsync();

        Assert.False(deliveredBeforeRelease);
        Assert.Equal(set.Properties.Version, delivered.Version);
    }
}
