using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Diagnostics;
using KvReplicator.Preflight;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KvReplicator.KeyVault;

internal static class KeyVaultServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KeyVaultSecretSource"/> as the <see cref="ISecretSource"/>, configured from
    /// <c>KvReplicator:KeyVault</c> (validated at start). It authenticates with a <see cref="TokenCredential"/>
    /// registered in the container if there is one (local runs register the stand-in's credential), else
    /// with <see cref="DefaultAzureCredential"/>. Every call is measured (<see cref="RemoteCallPolicy"/>), and every
    /// <see cref="HttpPipelinePolicy"/> registered in the container joins the client's pipeline per call.
    /// </summary>
    internal static IServiceCollection AddKeyVaultSource(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<KeyVaultOptions>().Bind(configuration.GetSection(KeyVaultOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyVaultOptions>, KeyVaultOptionsValidator>());
        services.TryAddSingleton(provider =>
        {
            KeyVaultOptions options = provider.GetRequiredService<IOptions<KeyVaultOptions>>().Value;
            SecretClient client = CreateSecretClient(options, provider.GetService<TokenCredential>(), provider.GetServices<HttpPipelinePolicy>());
            return new KeyVaultSecretSource(client, options.EffectiveVaultName);
        });
        services.TryAddSingleton<ISecretSource>(provider => provider.GetRequiredService<KeyVaultSecretSource>());

        // Start-up asks once and at once: without retries, an unreachable vault is reported in a second, not six.
        services.AddSingleton<IStoreCheck>(provider => new KeyVaultAccessCheck(
            provider.GetRequiredService<IOptions<KeyVaultOptions>>(),
            options => CreateSecretClient(options, provider.GetService<TokenCredential>(), provider.GetServices<HttpPipelinePolicy>(), retry: false)));
        return services;
    }

    /// <param name="policies">
    /// Every <see cref="HttpPipelinePolicy"/> the host registered in the container, added per call (outside the
    /// SDK's retries), so a host can observe or disturb the wire without replacing the client.
    /// </param>
    /// <param name="retry">False for a single attempt per call (the preflight's); true for <see cref="KeyVaultRetryPolicy"/>.</param>
    internal static SecretClient CreateSecretClient(KeyVaultOptions options, TokenCredential? credential, IEnumerable<HttpPipelinePolicy>? policies = null, bool retry = true)
    {
        var clientOptions = new SecretClientOptions
        {
            DisableChallengeResourceVerification = options.DisableChallengeResourceVerification,
            RetryPolicy = retry ? new KeyVaultRetryPolicy() : new RetryPolicy(maxRetries: 0),
        };

        // First, so that it measures what the host's policies answer too (the chaos run's injected faults).
        clientOptions.AddPolicy(RemoteCallPolicy.KeyVault, HttpPipelinePosition.PerCall);
        foreach (HttpPipelinePolicy policy in policies ?? [])
        {
            clientOptions.AddPolicy(policy, HttpPipelinePosition.PerCall);
        }

        if (!string.IsNullOrWhiteSpace(options.TrustedServerCertificateThumbprint))
        {
            clientOptions.Transport = new HttpClientTransport(new PinnedServerCertificate(options.TrustedServerCertificateThumbprint).CreateHandler());
        }

        credential ??= new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = options.ManagedIdentityClientId });
        return new SecretClient(new Uri(options.VaultUri!, UriKind.Absolute), credential, clientOptions);
    }
}
