using KvReplicator.Cli.Serve;
using KvReplicator.Events;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.Serve;

public sealed class ServeHostTests
{
    [Fact]
    public void Build_without_a_replication_pipeline_fails_with_a_clear_message()
    {
        WebApplicationBuilder builder = ServeHost.CreateBuilder([], o => o.DeliveryKey = ServeTestHost.Key, configureServices: _ => { });
        builder.WebHost.UseTestServer();

        var exception = Assert.Throws<ServeConfigurationException>(() => ServeHost.Build(builder));

        Assert.Contains("no KeyVaultEventProcessor is registered", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_the_replicator_settings_start_fails_naming_the_missing_setting()
    {
        WebApplicationBuilder builder = ServeHost.CreateBuilder([], o => o.DeliveryKey = ServeTestHost.Key);
        builder.WebHost.UseTestServer();
        await using WebApplication app = ServeHost.Build(builder);

        var exception = await Assert.ThrowsAsync<AggregateException>(() => app.StartAsync());

        Assert.All(exception.InnerExceptions, inner => Assert.IsType<OptionsValidationException>(inner));
        Assert.Contains("KvReplicator:KeyVault:VaultUri", exception.Message, StringComparison.Ordinal);
        Assert.Contains("KvReplicator:SecretsManager:Region", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shutdown_timeout_comes_from_the_serve_options()
    {
        await using ServeTestHost host = await ServeTestHost.StartAsync(o => o.ShutdownTimeout = TimeSpan.FromSeconds(7));

        Assert.Equal(TimeSpan.FromSeconds(7), host.App.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public async Task Configuration_section_binds_the_serve_options()
    {
        WebApplicationBuilder builder = ServeHost.CreateBuilder(["--KvReplicator:Serve:EventsPath=/from-config", "--KvReplicator:Serve:DeliveryKey=" + ServeTestHost.Key]);

        await using WebApplication app = builder.Build();

        Assert.Equal("/from-config", app.Services.GetRequiredService<IOptions<ServeOptions>>().Value.EventsPath);
    }
}
