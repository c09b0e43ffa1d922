using KvReplicator.Credentials;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Moq;

namespace KvReplicator.Tests.SecretsManager;

public sealed class SecretsManagerServiceCollectionExtensionsTests
{
    private static readonly IConfiguration s_configuration = new ConfigurationBuilder()
        .AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KvReplicator:SecretsManager:Region"] = "eu-west-1",
            ["KvReplicator:SecretsManager:ServiceUrl"] = "http://127.0.0.1:5999",
        })
        .Build();

    [Fact]
    public void Registers_the_target_over_one_client_with_the_sdk_credential_chain()
    {
        // The credential source is the Credentials adapter's; with nothing configured it is the SDK's chain.
        using ServiceProvider provider = new ServiceCollection().AddCredentialSource(s_configuration).AddSecretsManagerTarget(s_configuration).BuildServiceProvider();

        ISecretTarget target = provider.GetRequiredService<ISecretTarget>();

        Assert.IsType<SecretsManagerTarget>(target);
        Assert.Same(target, provider.GetRequiredService<ISecretTarget>());
        Assert.Equal(new Uri("http://127.0.0.1:5999/"), provider.GetRequiredService<SecretsManagerClient>().Endpoint);
        Assert.Equal("aws-default-chain", provider.GetRequiredService<ICredentialSource>().Name);
    }

    [Fact]
    public void Keeps_a_credential_source_registered_before()
    {
        var roles = new Mock<ICredentialSource>();
        roles.SetupGet(source => source.Name).Returns("roles-anywhere-native");
        var services = new ServiceCollection();
        services.AddSingleton(roles.Object);

        using ServiceProvider provider = services.AddSecretsManagerTarget(s_configuration).BuildServiceProvider();

        Assert.Same(roles.Object, provider.GetRequiredService<ICredentialSource>());
    }

    [Fact]
    public async Task Fails_at_start_when_the_options_are_invalid()
    {
        IConfiguration invalid = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["KvReplicator:SecretsManager:Region"] = "nowhere" }).Build();
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSecretsManagerTarget(invalid);
        using IHost host = builder.Build();

        var exception = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("Region must be an AWS region name", exception.Message, StringComparison.Ordinal);
    }
}
