using Azure.Core;
using Azure.Identity;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Moq;

namespace KvReplicator.Tests.Ledger;

public sealed class LedgerServiceCollectionExtensionsTests
{
    [Fact]
    public void Registers_the_blob_ledger_once_for_both_its_names()
    {
        using ServiceProvider provider = Build(new() { ["ConnectionString"] = "UseDevelopmentStorage=true" });

        var ledger = provider.GetRequiredService<IReplicationLedger>();

        Assert.Same(provider.GetRequiredService<BlobReplicationLedger>(), ledger);
    }

    [Fact]
    public async Task Service_uri_signs_in_with_the_registered_token_credential()
    {
        var credential = new Mock<TokenCredential>();
        credential
            .Setup(c => c.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new AuthenticationFailedException("no identity here"));
        using ServiceProvider provider = Build(
            new() { ["ServiceUri"] = "https://127.0.0.1:1/devstoreaccount1" },
            services => services.AddSingleton(credential.Object));

        SecretStoreException error = await Assert.ThrowsAsync<SecretStoreException>(
            () => provider.GetRequiredService<BlobReplicationLedger>().EnsureContainerAsync());

        Assert.True(error.IsTransient);
        Assert.Equal("AuthenticationFailed", error.ErrorCode);
        credential.Verify(
            c => c.GetTokenAsync(It.Is<TokenRequestContext>(r => r.Scopes.Contains("https://storage.azure.com/.default")), It.IsAny<CancellationToken>()),
            Times.AtLeastOnce());
    }

    private static ServiceProvider Build(Dictionary<string, string?> section, Action<IServiceCollection>? configure = null)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(section.ToDictionary(pair => $"{LedgerOptions.SectionName}:{pair.Key}", pair => pair.Value))
            .Build();
        var services = new ServiceCollection();
        configure?.Invoke(services);
        return services.AddBlobLedger(configuration).BuildServiceProvider();
    }
}
