using KvReplicator.Throttling;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KvReplicator.SecretsManager;

internal static class ThrottlingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the process's <see cref="WriteRateLimiter"/> (options <c>KvReplicator:WriteRateLimit</c>) and puts
    /// the throttling handler under the Secrets Manager client's named <see cref="HttpClient"/>, so every caller of
    /// the client (events, sync, replay) shares the limit: the process's for the single target, its AWS quota's for
    /// a listed target whose client marks its requests (<see cref="SecretsManagerWriteThrottlingHandler.ForQuota"/>).
    /// </summary>
    internal static IServiceCollection AddSecretsManagerWriteRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddWriteRateLimitOptions(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new WriteRateLimiter(
            provider.GetRequiredService<IOptions<WriteRateLimitOptions>>().Value, provider.GetRequiredService<TimeProvider>()));
        services.AddHttpClient(SecretsManagerClient.HttpClientName)
            .AddHttpMessageHandler(provider => new SecretsManagerWriteThrottlingHandler(provider.GetRequiredService<WriteRateLimiter>()));
        return services;
    }

    /// <summary>
    /// Binds <c>KvReplicator:WriteRateLimit</c> and checks it at start, once however often it is asked for: the
    /// writers' limiter reads it, and so does every verb that shows a target's write quota (doctor), which must
    /// refuse what the writers refuse.
    /// </summary>
    internal static IServiceCollection AddWriteRateLimitOptions(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        // A second registration would bind twice and report every mistake twice.
        if (services.Any(descriptor => descriptor.ServiceType == typeof(IValidateOptions<WriteRateLimitOptions>)))
        {
            return services;
        }

        services.AddOptions<WriteRateLimitOptions>()
            .Bind(configuration.GetSection(WriteRateLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        return services;
    }
}
