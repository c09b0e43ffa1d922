using Azure.Core;
using Azure.Identity;
using KvReplicator.DeadLettering;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;

namespace KvReplicator.Tests.DeadLettering;

public sealed class DeadLetterServiceCollectionExtensionsTests
{
    [Fact]
    public void Without_a_destination_there_is_no_sink_and_the_dead_letterer_still_resolves()
    {
        using ServiceProvider provider = Build(new() { ["ContainerName"] = "kvreplicator-deadletter" });

        Assert.Null(provider.GetService<IDeadLetterSink>());
        Assert.NotNull(provider.GetRequiredService<RejectedDeliveryDeadLetterer>());
    }

    [Fact]
    public void A_connection_string_registers_the_blob_sink_on_the_configured_container()
    {
        using ServiceProvider provider = Build(new() { ["ConnectionString"] = "UseDevelopmentStorage=true", ["ContainerName"] = "rejected-events" });

        IDeadLetterSink sink = provider.GetRequiredService<IDeadLetterSink>();

        Assert.IsType<BlobDeadLetterSink>(sink);
        Assert.EndsWith("/rejected-events", sink.Location, StringComparison.Ordinal);
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

        await Assert.ThrowsAsync<AuthenticationFailedException>(
            () => provider.GetRequiredService<IDeadLetterSink>().WriteAsync("rejected/x.json", BinaryData.FromString("[]")));

        credential.Verify(
            c => c.GetTokenAsync(It.Is<TokenRequestContext>(r => r.Scopes.Contains("https://storage.azure.com/.default")), It.IsAny<CancellationToken>()),
            Times.AtLeastOnce());
    }

    [Fact]
    public void Both_destinations_stop_start_up_with_a_message_naming_them()
    {
        using ServiceProvider provider = Build(new() { ["ServiceUri"] = "https://account.blob.core.windows.net", ["ConnectionString"] = "UseDevelopmentStorage=true" });

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DeadLetterOptions>>().Value);

        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> section, Action<IServiceCollection>? configure = null)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(section.ToDictionary(pair => $"{DeadLetterOptions.SectionName}:{pair.Key}", pair => pair.Value))
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        configure?.Invoke(services);
        return services.AddRejectedDeliveryDeadLettering(configuration).BuildServiceProvider();
    }
}
