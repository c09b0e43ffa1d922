using KvReplicator.Preflight;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.SecretsManager;

internal static class SecretsManagerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SecretsManagerTarget"/> as the <see cref="ISecretTarget"/>, its client over a named
    /// <see cref="HttpClient"/> (<see cref="SecretsManagerClient.HttpClientName"/>), and options bound from
    /// <c>KvReplicator:SecretsManager</c>, validated at start. It signs with the registered
    /// <see cref="ICredentialSource"/> (the Credentials adapter's: the SDK's default chain unless configured otherwise).
    /// </summary>
    internal static IServiceCollection AddSecretsManagerTarget(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<SecretsManagerOptions>()
            .Bind(configuration.GetSection(SecretsManagerOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecretsManagerOptions>, SecretsManagerOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);

        services.AddSecretsManagerHttpClient();

        services.TryAddSingleton(provider => new SecretsManagerClient(
            provider.GetRequiredService<IHttpClientFactory>().CreateClient(SecretsManagerClient.HttpClientName),
            provider.GetRequiredService<ICredentialSource>(),
            provider.GetRequiredService<IOptions<SecretsManagerOptions>>().Value,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<SecretsManagerClient>>()));
        services.TryAddSingleton(provider => new SecretsManagerTarget(
            provider.GetRequiredService<SecretsManagerClient>(),
            provider.GetRequiredService<IOptions<SecretsManagerOptions>>().Value,
            provider.GetService<ILogger<SecretsManagerTarget>>()));
        services.TryAddSingleton<ISecretTarget>(provider => provider.GetRequiredService<SecretsManagerTarget>());
        services.AddSingleton<IStoreCheck>(provider => new SecretsManagerAccessCheck(() =>
        {
            SecretsManagerOptions options = provider.GetRequiredService<IOptions<SecretsManagerOptions>>().Value;
            var singleAttempt = new SecretsManagerOptions { Region = options.Region, ServiceUrl = options.ServiceUrl, MaxRetries = 0 };
            return (new SecretsManagerClient(
                provider.GetRequiredService<IHttpClientFactory>().CreateClient(SecretsManagerClient.HttpClientName),
                provider.GetRequiredService<ICredentialSource>(),
                singleAttempt,
                provider.GetRequiredService<TimeProvider>()), options.Region);
        }));
        return services;
    }

    /// <summary>
    /// The named <see cref="HttpClient"/> every Secrets Manager client is built on (<see cref="SecretsManagerClient.HttpClientName"/>),
    /// also when several AWS targets each build their own client on it.
    /// </summary>
    internal static IServiceCollection AddSecretsManagerHttpClient(this IServiceCollection services)
    {
        // The client lives as long as the target (whose ownership cache must survive), so the handler is kept
        // too and DNS changes are picked up by recycling pooled connections instead of handlers.
        services.AddHttpClient(SecretsManagerClient.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        return services;
    }
}
