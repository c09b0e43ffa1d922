using System.Net.Http.Headers;
using System.Text.Json;
using Azure;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.LocalCloud.KeyVault;

namespace KvReplicator.IntegrationTests.KeyVault;

/// <summary>The list operations page with <c>nextLink</c>, and the SDK follows it.</summary>
public sealed class LocalKeyVaultPagingTests
{
    [Fact]
    public async Task Secrets_are_listed_over_several_pages_each_once_with_their_latest_properties()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { PageSize = 3 });
        SecretClient client = vault.CreateSecretClient();
        string[] names = Enumerable.Range(0, 7).Select(i => $"listed-{i}").ToArray();
        foreach (string name in names)
        {
            await client.SetSecretAsync(name, "v");
        }

        await client.SetSecretAsync(new KeyVaultSecret("listed-3", "newer") { Properties = { ContentType = "text/plain" } });

        List<Page<SecretProperties>> pages = await PagesAsync(client.GetPropertiesOfSecretsAsync());
        List<SecretProperties> items = pages.SelectMany(p => p.Values).ToList();

        Assert.Equal([3, 3, 1], pages.Select(p => p.Values.Count));
        Assert.Equal(names, items.Select(i => i.Name).Order(StringComparer.Ordinal));
        Assert.Null(items[0].Version);
        Assert.Equal("text/plain", items.Single(i => i.Name == "listed-3").ContentType);
    }

    [Fact]
    public async Task Versions_are_listed_over_several_pages_each_once()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { PageSize = 2 });
        SecretClient client = vault.CreateSecretClient();
        var created = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            created.Add((await client.SetSecretAsync("versioned", $"v{i}")).Value.Properties.Version);
        }

        List<Page<SecretProperties>> pages = await PagesAsync(client.GetPropertiesOfSecretVersionsAsync("versioned"));

        Assert.Equal([2, 2, 1], pages.Select(p => p.Values.Count));
        Assert.Equal(created, pages.SelectMany(p => p.Values).Select(v => v.Version));
    }

    [Fact]
    public async Task Maxresults_limits_a_page_and_the_next_link_carries_it_on()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        SecretClient client = vault.CreateSecretClient();
        for (int i = 0; i < 3; i++)
        {
            await client.SetSecretAsync($"raw-{i}", "v");
        }

        using var http = new HttpClient(vault.CreatePinnedHandler());
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "token");
        using JsonDocument first = JsonDocument.Parse(await http.GetStringAsync(new Uri(vault.VaultUri, "secrets?api-version=7.5&maxresults=2")));
        string nextLink = first.RootElement.GetProperty("nextLink").GetString()!;
        using JsonDocument second = JsonDocument.Parse(await http.GetStringAsync(nextLink));

        Assert.Equal(2, first.RootElement.GetProperty("value").GetArrayLength());
        Assert.StartsWith(vault.VaultUri.AbsoluteUri, nextLink, StringComparison.Ordinal);
        Assert.Contains("maxresults=2", nextLink, StringComparison.Ordinal);
        Assert.Equal(1, second.RootElement.GetProperty("value").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, second.RootElement.GetProperty("nextLink").ValueKind);
    }

    private static async Task<List<Page<T>>> PagesAsync<T>(AsyncPageable<T> pageable)
        where T : notnull
    {
        var pages = new List<Page<T>>();
        await foreach (Page<T> page in pageable.AsPages())
        {
            pages.Add(page);
        }

        return pages;
    }
}
