using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Diagnostics;
using KvReplicator.Preflight;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvReplicator.Credentials;

internal static class CredentialsServiceCollectionExtensions
{
    internal const string RolesAnywhereHttpClientName = "KvReplicator.RolesAnywhere";

    /// <summary>
    /// Registers the <see cref="ICredentialSource"/> that <c>KvReplicator:Credentials:Source</c> names, with
    /// its options validated at start-up.
    /// </summary>
    /// <remarks>
    /// Key Vault access for the certificate sources uses <c>RolesAnywhere:VaultUri</c> when set, otherwise the
    /// replicated vault's client that <paramref name="replicatedVault"/> gives (the composition root knows it),
    /// otherwise a registered <see cref="SecretClient"/>. Azure credentials come from a registered
    /// <see cref="TokenCredential"/>, otherwise <see cref="DefaultAzureCredential"/>.
    /// </remarks>
    internal static IServiceCollection AddCredentialSource(this IServiceCollection services, IConfiguration configuration, Func<IServiceProvider, SecretClient?>? replicatedVault = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<CredentialsOptions>()
            .Bind(configuration.GetSection(CredentialsOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<CredentialsOptions>, CredentialsOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient(RolesAnywhereHttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddHttpClient(WebIdentityFederationOptions.StsHttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.TryAddSingleton<ICredentialSource>(provider => Create(provider, provider.GetRequiredService<IOptions<CredentialsOptions>>().Value, replicatedVault));
        services.AddSingleton<IStoreCheck>(provider => new AwsCredentialsCheck(provider.GetRequiredService<ICredentialSource>));
        return services;
    }

    /// <summary>
    /// The source <paramref name="options"/> name: the deployment's (<c>KvReplicator:Credentials</c>), or an AWS
    /// target's own (<c>KvReplicator:Targets:&lt;n&gt;:Credentials</c>), over the container's HTTP clients and clock.
    /// </summary>
    internal static ICredentialSource Create(IServiceProvider services, CredentialsOptions options, Func<IServiceProvider, SecretClient?>? replicatedVault)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        TimeProvider time = services.GetRequiredService<TimeProvider>();
        ILoggerFactory loggers = services.GetService<ILoggerFactory>() ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        return options.Source switch
        {
            CredentialSourceKind.RolesAnywhere => new RolesAnywhereCredentialSource(
                services.GetRequiredService<IHttpClientFactory>().CreateClient(RolesAnywhereHttpClientName),
                new KeyVaultCertificateMaterialReader(CertificateVault(services, options.RolesAnywhere, replicatedVault), options.RolesAnywhere),
                options.RolesAnywhere,
                options.RefreshMargin,
                time,
                loggers.CreateLogger<RolesAnywhereCredentialSource>()),
            CredentialSourceKind.SigningHelper => new SigningHelperCredentialSource(
                new KeyVaultCertificateMaterialReader(CertificateVault(services, options.RolesAnywhere, replicatedVault), options.RolesAnywhere),
                options.RolesAnywhere,
                options.SigningHelper,
                options.RefreshMargin,
                time,
                loggers.CreateLogger<SigningHelperCredentialSource>()),
            CredentialSourceKind.WebIdentity => new WebIdentityFederationCredentialSource(
                EntraCredential(services, options.WebIdentity.ManagedIdentityClientId),
                WebIdentityFederationCredentialSource.CreateStsClient(
                    options.WebIdentity,
                    services.GetRequiredService<IHttpClientFactory>().CreateClient(WebIdentityFederationOptions.StsHttpClientName)),
                options.WebIdentity,
                options.RefreshMargin,
                time,
                loggers.CreateLogger<WebIdentityFederationCredentialSource>()),
            _ => new AwsSdkCredentialSource(),
        };
    }

    /// <summary>
    /// The certificate usually sits in the replicated vault itself (excluded from replication by name), so
    /// that vault's client settings (managed identity, TLS pin of the local stand-in) are reused unless a
    /// separate vault is named.
    /// </summary>
    private static SecretClient CertificateVault(IServiceProvider services, RolesAnywhereOptions options, Func<IServiceProvider, SecretClient?>? replicatedVault)
    {
        TokenCredential? credential = services.GetService<TokenCredential>();
        if (options.VaultUri is not null)
        {
            var clientOptions = new SecretClientOptions();
            clientOptions.AddPolicy(RemoteCallPolicy.KeyVault, HttpPipelinePosition.PerCall);
            return new SecretClient(options.VaultUri, credential ?? new DefaultAzureCredential(), clientOptions);
        }

        return replicatedVault?.Invoke(services)
            ?? services.GetService<SecretClient>()
            ?? throw new InvalidOperationException(
                "Neither KvReplicator:Credentials:RolesAnywhere:VaultUri nor KvReplicator:KeyVault:VaultUri is set: name the vault that holds the Roles Anywhere certificate");
    }

    private static TokenCredential EntraCredential(IServiceProvider services, string? managedIdentityClientId) =>
        !string.IsNullOrWhiteSpace(managedIdentityClientId)
            ? new ManagedIdentityCredential(ManagedIdentityId.FromUserAssignedClientId(managedIdentityClientId))
            : services.GetService<TokenCredential>() ?? new DefaultAzureCredential();
}
