using System.Text;
using Azure;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.LocalCloud.KeyVault;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.IntegrationTests.KeyVault;

/// <summary>Set, get and update through the real <see cref="SecretClient"/>.</summary>
public sealed class LocalKeyVaultSecretTests
{
    private static readonly DateTimeOffset s_start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    public static TheoryData<string> Values => new()
    {
        "x",
        new string('a', SecretStore.MaxValueBytes),
        "héllo wörld — 🔑 日本語",
        "{\"user\":\"app\",\"password\":\"p@ss\\\"word\",\"nested\":{\"n\":[1,2,3]}}",
        " \t leading and trailing whitespace \r\n ",
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task A_value_comes_back_byte_for_byte(string value)
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        SecretClient client = vault.CreateSecretClient();

        KeyVaultSecret set = await client.SetSecretAsync("roundtrip", value);
        KeyVaultSecret latest = await client.GetSecretAsync("roundtrip");
        KeyVaultSecret exact = await client.GetSecretAsync("roundtrip", set.Properties.Version);

        Assert.Equal(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(latest.Value));
        Assert.Equal(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(exact.Value));
    }

    [Fact]
    public async Task A_value_over_25_KB_is_refused()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        SecretClient client = vault.CreateSecretClient();

        RequestFailedException error = await Assert.ThrowsAsync<RequestFailedException>(
            () => client.SetSecretAsync("too-big", new string('a', SecretStore.MaxValueBytes + 1)));

        Assert.Equal(400, error.Status);
        Assert.Equal("BadParameter", error.ErrorCode);
    }

    [Fact]
    public async Task An_invalid_name_is_refused()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        SecretClient client = vault.CreateSecretClient();

        RequestFailedException error = await Assert.ThrowsAsync<RequestFailedException>(() => client.SetSecretAsync("not_valid", "v"));

        Assert.Equal(400, error.Status);
    }

    [Fact]
    public async Task Set_stores_properties_and_each_set_makes_a_new_version()
    {
        var clock = new FakeTimeProvider(s_start);
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { TimeProvider = clock });
        SecretClient client = vault.CreateSecretClient();
        var first = new KeyVaultSecret("with-properties", "one")
        {
            Properties = { ContentType = "text/plain", ExpiresOn = s_start.AddDays(30), NotBefore = s_start.AddDays(-1), Tags = { ["owner"] = "team-a" } },
        };

        KeyVaultSecret v1 = await client.SetSecretAsync(first);
        clock.Advance(TimeSpan.FromMinutes(5));
        KeyVaultSecret v2 = await client.SetSecretAsync("with-properties", "two");
        KeyVaultSecret readV1 = await client.GetSecretAsync("with-properties", v1.Properties.Version);
        KeyVaultSecret latest = await client.GetSecretAsync("with-properties");

        Assert.Matches("^[0-9a-f]{32}$", v1.Properties.Version);
        Assert.NotEqual(v1.Properties.Version, v2.Properties.Version);
        Assert.Equal(v2.Properties.Version, latest.Properties.Version);
        Assert.Equal("two", latest.Value);
        Assert.Equal("one", readV1.Value);
        Assert.Equal("text/plain", readV1.Properties.ContentType);
        Assert.Equal("team-a", readV1.Properties.Tags["owner"]);
        Assert.Equal(s_start.AddDays(30), readV1.Properties.ExpiresOn);
        Assert.Equal(s_start.AddDays(-1), readV1.Properties.NotBefore);
        Assert.Equal(s_start, readV1.Properties.CreatedOn);
        Assert.Equal(s_start.AddMinutes(5), latest.Properties.CreatedOn);
        Assert.Equal(vault.VaultUri, readV1.Properties.VaultUri);
        Assert.Equal(new Uri(vault.VaultUri, $"secrets/with-properties/{v1.Properties.Version}"), readV1.Id);
        Assert.True(readV1.Properties.Enabled);
        Assert.Equal("Recoverable+Purgeable", readV1.Properties.RecoveryLevel);
    }

    [Fact]
    public async Task Names_are_case_insensitive_and_keep_the_case_they_were_created_with()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        SecretClient client = vault.CreateSecretClient();

        await client.SetSecretAsync("Mixed-Case", "one");
        await client.SetSecretAsync("mixed-case", "two");
        KeyVaultSecret read = await client.GetSecretAsync("MIXED-CASE");
        List<SecretProperties> versions = await ToListAsync(client.GetPropertiesOfSecretVersionsAsync("mixed-CASE"));

        Assert.Equal("Mixed-Case", read.Name);
        Assert.Equal("two", read.Value);
        Assert.Equal(2, versions.Count);
    }

    [Fact]
    public async Task An_unknown_secret_or_version_is_SecretNotFound()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        SecretClient client = vault.CreateSecretClient();
        await client.SetSecretAsync("known", "v");

        RequestFailedException unknownVersion = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("known", new string('0', 32)));
        RequestFailedException unknownSecret = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("unknown"));

        Assert.Equal(404, unknownVersion.Status);
        Assert.Equal("SecretNotFound", unknownVersion.ErrorCode);
        Assert.Equal(404, unknownSecret.Status);
        Assert.Equal("SecretNotFound", unknownSecret.ErrorCode);
    }

    [Fact]
    public async Task A_disabled_version_is_forbidden_and_so_is_the_latest_when_it_is_disabled()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        SecretClient client = vault.CreateSecretClient();
        KeyVaultSecret enabled = await client.SetSecretAsync("partly-disabled", "enabled");
        KeyVaultSecret disabled = await client.SetSecretAsync(new KeyVaultSecret("partly-disabled", "value of the disabled version") { Properties = { Enabled = false } });

        RequestFailedException byVersion = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("partly-disabled", disabled.Properties.Version));
        RequestFailedException latest = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("partly-disabled"));
        KeyVaultSecret older = await client.GetSecretAsync("partly-disabled", enabled.Properties.Version);

        Assert.Equal(403, byVersion.Status);
        Assert.Equal("Forbidden", byVersion.ErrorCode);
        Assert.Contains("Operation get is not allowed on a disabled secret.", byVersion.Message, StringComparison.Ordinal);
        Assert.Equal(403, latest.Status);
        Assert.Equal("enabled", older.Value);
    }

    [Fact]
    public async Task Update_changes_properties_of_one_version_but_not_its_value()
    {
        var clock = new FakeTimeProvider(s_start);
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { TimeProvider = clock });
        SecretClient client = vault.CreateSecretClient();
        KeyVaultSecret set = await client.SetSecretAsync("updated", "value");
        clock.Advance(TimeSpan.FromHours(1));

        SecretProperties properties = set.Properties;
        properties.Enabled = false;
        properties.ContentType = "application/json";
        properties.ExpiresOn = s_start.AddDays(7);
        properties.Tags["stage"] = "retired";
        SecretProperties updated = await client.UpdateSecretPropertiesAsync(properties);
        RequestFailedException disabled = await Assert.ThrowsAsync<RequestFailedException>(() => client.GetSecretAsync("updated", set.Properties.Version));
        properties.Enabled = true;
        await client.UpdateSecretPropertiesAsync(properties);
        KeyVaultSecret read = await client.GetSecretAsync("updated", set.Properties.Version);

        Assert.False(updated.Enabled);
        Assert.Equal(s_start, updated.CreatedOn);
        Assert.Equal(s_start.AddHours(1), updated.UpdatedOn);
        Assert.Equal(403, disabled.Status);
        Assert.Equal("value", read.Value);
        Assert.Equal("application/json", read.Properties.ContentType);
        Assert.Equal(s_start.AddDays(7), read.Properties.ExpiresOn);
        Assert.Equal("retired", read.Properties.Tags["stage"]);
    }

    [Fact]
    public async Task Updating_an_unknown_version_is_SecretNotFound()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        SecretClient client = vault.CreateSecretClient();
        await client.SetSecretAsync("update-target", "value");

        RequestFailedException error = await Assert.ThrowsAsync<RequestFailedException>(
            () => client.UpdateSecretPropertiesAsync(new SecretProperties(new Uri(vault.VaultUri, $"secrets/update-target/{new string('1', 32)}")) { Enabled = false }));

        Assert.Equal(404, error.Status);
        Assert.Equal("SecretNotFound", error.ErrorCode);
    }

    [Fact]
    public async Task Concurrent_sets_each_make_their_own_version()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        SecretClient client = vault.CreateSecretClient();

        KeyVaultSecret[] set = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => client.SetSecretAsync("contended", $"value-{i}").ContinueWith(t => t.Result.Value)));
        List<SecretProperties> versions = await ToListAsync(client.GetPropertiesOfSecretVersionsAsync("contended"));

        Assert.Equal(20, set.Select(s => s.Properties.Version).Distinct().Count());
        Assert.Equal(set.Select(s => s.Properties.Version).Order(), versions.Select(v => v.Version).Order());
    }

    internal static async Task<List<T>> ToListAsync<T>(AsyncPageable<T> pageable)
        where T : notnull
    {
        var list = new List<T>();
        await foreach (T item in pageable)
        {
            list.Add(item);
        }

        return list;
    }
}
