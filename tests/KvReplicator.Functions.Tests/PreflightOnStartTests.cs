using Amazon.Runtime;
using Azure.Core;
using KvReplicator.Credentials;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Preflight;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KvReplicator.Functions.Tests;

/// <summary>
/// The worker's preflight, as Program composes it with local.settings.json.example's values pointed at the
/// emulators: it passes as the example stands, and a wrong setting stops the worker at start with the setting named.
/// </summary>
public sealed class PreflightOnStartTests(Emulators emulators) : IClassFixture<Emulators>
{
    [Fact]
    public async Task The_worker_runs_the_preflight_at_start_and_the_example_settings_pass_it()
    {
        var registrations = new ServiceCollection();
        Program.AddServices(registrations, new ConfigurationBuilder().AddInMemoryCollection(WorkerHost.ExampleSettings()).Build());
        Assert.Contains(registrations, service => service.ServiceType == typeof(IHostedService) && service.ImplementationType == typeof(PreflightOnStart));

        using IHost host = BuildHost([]);
        await Preflight(host).StartAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A_wrong_certificate_pin_stops_the_worker_at_start_naming_the_setting()
    {
        using IHost host = BuildHost(new() { ["KvReplicator:KeyVault:TrustedServerCertificateThumbprint"] = new string('0', 64) });

        PreflightFailedException failed = await Assert.ThrowsAsync<PreflightFailedException>(() => Preflight(host).StartAsync(CancellationToken.None));

        PreflightCheck keyVault = Assert.Single(failed.Report.Failures);
        Assert.Equal("Key Vault", keyVault.Store);
        Assert.Equal(PreflightFailure.Refused, keyVault.Failure);
        Assert.Contains("KvReplicator:KeyVault:TrustedServerCertificateThumbprint", failed.Message, StringComparison.Ordinal);
    }

    /// <summary>Built as the host builds it; resolving every hosted service would also start the worker's channel to a Functions host there is none of.</summary>
    private static PreflightOnStart Preflight(IHost host) => ActivatorUtilities.CreateInstance<PreflightOnStart>(host.Services);

    private IHost BuildHost(Dictionary<string, string?> overrides)
    {
        Dictionary<string, string?> settings = WorkerHost.ExampleSettings();
        foreach ((string key, string? value) in emulators.Endpoints.Concat(overrides))
        {
            settings[key] = value;
        }

        return WorkerHost.Build(settings, services =>
        {
            services.AddSingleton<TokenCredential>(new LocalKeyVaultCredential());
            services.AddSingleton<ICredentialSource>(new AwsSdkCredentialSource(new BasicAWSCredentials("kvrep-test-key", "kvrep-test-secret"), "moto"));
        });
    }
}
