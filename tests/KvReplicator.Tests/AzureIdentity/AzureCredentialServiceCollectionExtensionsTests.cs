using Azure.Core;
using Azure.Identity;
using KvReplicator.AzureIdentity;
using KvReplicator.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.AzureIdentity;

public sealed class AzureCredentialServiceCollectionExtensionsTests
{
    [Theory]
    [InlineData("ManagedIdentity", typeof(ManagedIdentityCredential))]
    [InlineData("WorkloadIdentity", typeof(WorkloadIdentityCredential))]
    [InlineData("AzureCli", typeof(AzureCliCredential))]
    [InlineData("Environment", typeof(EnvironmentCredential))]
    public void The_setting_chooses_the_credential_every_azure_client_uses(string source, Type expected)
    {
        using ServiceProvider services = Build(new() { ["KvReplicator:AzureCredential:Source"] = source });

        Assert.IsType(expected, services.GetRequiredService<TokenCredential>());
    }

    [Fact]
    public void By_default_no_credential_is_registered_and_each_client_keeps_its_own()
    {
        using ServiceProvider services = Build(new());

        Assert.Null(services.GetService<TokenCredential>());
    }

    [Fact]
    public async Task The_local_clouds_credential_hands_out_its_fixed_token_for_a_loopback_vault()
    {
        using ServiceProvider services = Build(new()
        {
            ["KvReplicator:AzureCredential:Source"] = "LocalCloud",
            ["KvReplicator:KeyVault:VaultUri"] = "https://127.0.0.1:5001/",
        });

        AccessToken token = await services.GetRequiredService<TokenCredential>().GetTokenAsync(new TokenRequestContext(["https://vault.azure.net/.default"]), default);

        Assert.Equal(AzureCredentialServiceCollectionExtensions.LocalCloudToken, token.Token);
    }

    [Theory]
    [InlineData("LocalCloud", "https://contoso.vault.azure.net/", "LocalCloud is for kvrep-dev localcloud only")]
    [InlineData("ManagedIdentity", "https://contoso.vault.azure.net/", null)]
    public void The_local_clouds_token_is_refused_for_a_vault_that_is_not_on_loopback(string source, string vaultUri, string? failure)
    {
        using ServiceProvider services = Build(new()
        {
            ["KvReplicator:AzureCredential:Source"] = source,
            ["KvReplicator:AzureCredential:ClientId"] = "00000000-0000-0000-0000-000000000001",
            ["KvReplicator:KeyVault:VaultUri"] = vaultUri,
        });

        Action value = () => _ = services.GetRequiredService<IOptions<AzureCredentialOptions>>().Value;
        if (failure is null)
        {
            value();
        }
        else
        {
            Assert.Contains(failure, Assert.Throws<OptionsValidationException>(value).Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_client_id_that_is_not_a_guid_is_refused_by_name()
    {
        using ServiceProvider services = Build(new() { ["KvReplicator:AzureCredential:Source"] = "ManagedIdentity", ["KvReplicator:AzureCredential:ClientId"] = "me" });

        OptionsValidationException invalid = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<AzureCredentialOptions>>().Value);

        Assert.Contains("KvReplicator:AzureCredential:ClientId", invalid.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddKvReplicator(new ConfigurationBuilder().AddInMemoryCollection(settings).Build(), KvReplicatorRole.Compare)
            .BuildServiceProvider();
}
