using KvReplicator.Credentials;
using KvReplicator.Diagnostics;
using KvReplicator.SecretsManager;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.DependencyInjection;

internal static class RemoteCallTelemetryRegistration
{
    /// <summary>
    /// Measures every request of the AWS clients' named <see cref="HttpClient"/>s (<see cref="RemoteCallHandler"/>).
    /// Registered after every adapter, so the handler is the innermost of the replicator's own: the write rate
    /// limiter's wait is not counted as time spent at Secrets Manager. (The Azure clients add their
    /// <see cref="RemoteCallPolicy"/> where they are built.)
    /// </summary>
    internal static IServiceCollection AddRemoteCallTelemetry(this IServiceCollection services)
    {
        services.AddHttpClient(SecretsManagerClient.HttpClientName)
            .AddHttpMessageHandler(() => new RemoteCallHandler(RemoteOperations.SecretsManager));

        // Each client makes one kind of call only.
        services.AddHttpClient(WebIdentityFederationOptions.StsHttpClientName)
            .AddHttpMessageHandler(() => new RemoteCallHandler(_ => RemoteOperations.StsAssumeRoleWithWebIdentity));
        services.AddHttpClient(CredentialsServiceCollectionExtensions.RolesAnywhereHttpClientName)
            .AddHttpMessageHandler(() => new RemoteCallHandler(_ => RemoteOperations.RolesAnywhereCreateSession));
        return services;
    }
}
