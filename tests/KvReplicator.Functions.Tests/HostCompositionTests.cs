using Amazon.Runtime;
using Azure.Core;
using KvReplicator.Credentials;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KvReplicator.Functions.Tests;

/// <summary>
/// The worker as it starts in Azure: Program's composition, configured with local.settings.json.example's values
/// (blank settings included) and pointed at the emulators, validates every option and activates every function
/// class the way the worker does per invocation; the timer function then replicates through it.
/// </summary>
public sealed class HostCompositionTests(Emulators emulators) : IClassFixture<Emulators>
{
    [Fact]
    public void The_example_settings_pass_start_up_validation_and_every_function_class_activates()
    {
        using IHost host = BuildHost();

        host.Services.GetRequiredService<IStartupValidator>().Validate();

        Assert.NotEmpty(GeneratedFunctions.FunctionClasses);
        using IServiceScope invocation = host.Services.CreateScope();
        foreach (Type functionClass in GeneratedFunctions.FunctionClasses)
        {
            // What the worker's DefaultFunctionActivator does for each invocation.
            Assert.IsType(functionClass, ActivatorUtilities.CreateInstance(invocation.ServiceProvider, functionClass));
        }
    }

    [Fact]
    public async Task Reconcile_replicates_a_vault_secret_through_the_composed_host()
    {
        string name = $"fn-reconcile-{Guid.NewGuid():N}";
        string value = SecretLeakGuard.Register($"reconciled-by-the-timer-{Guid.NewGuid():N}");
        await emulators.KeyVault.CreateSecretClient(new LocalKeyVaultCredential()).SetSecretAsync(name, value);
        using IHost host = BuildHost();
        using IServiceScope invocation = host.Services.CreateScope();

        Reconcile function = ActivatorUtilities.CreateInstance<Reconcile>(invocation.ServiceProvider);
        await function.RunAsync(new TimerInfo(), CancellationToken.None);

        string prefix = host.Services.GetRequiredService<IOptions<Replication.ReplicationOptions>>().Value.TargetPrefix;
        GetSecretValueResponse replicated = await host.Services.GetRequiredService<SecretsManagerClient>()
            .GetSecretValueAsync(new GetSecretValueRequest { SecretId = prefix + name });
        Assert.Equal(value, replicated.SecretString?.Reveal());
    }

    private IHost BuildHost()
    {
        Dictionary<string, string?> settings = WorkerHost.ExampleSettings();
        Assert.Equal("", settings["KvReplicator:KeyVault:ManagedIdentityClientId"]); // the blank the example ships
        foreach ((string key, string? value) in emulators.Endpoints)
        {
            settings[key] = value;
        }

        return WorkerHost.Build(settings, services =>
        {
            // The stand-in's token and moto's fixed keys, in place of managed identity and the AWS default chain.
            services.AddSingleton<TokenCredential>(new LocalKeyVaultCredential());
            services.AddSingleton<ICredentialSource>(new AwsSdkCredentialSource(new BasicAWSCredentials("kvrep-test-key", "kvrep-test-secret"), "moto"));
        });
    }
}
