using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Azure.Core;
using Azure.Identity;
using Microsoft.Extensions.Logging;

namespace KvReplicator.Credentials;

/// <summary>
/// Entra ID workload identity federation: the managed identity's Entra ID token is exchanged with STS
/// <c>AssumeRoleWithWebIdentity</c>. There is no certificate to issue, store or roll; the AWS role trusts
/// the tenant's issuer as an OIDC provider, with conditions on audience and subject.
/// </summary>
internal sealed class WebIdentityFederationCredentialSource : RefreshingCredentialSource
{
    private readonly TokenCredential _tokenCredential;
    private readonly IAmazonSecurityTokenService _sts;
    private readonly WebIdentityFederationOptions _options;

    public WebIdentityFederationCredentialSource(
        TokenCredential tokenCredential,
        IAmazonSecurityTokenService sts,
        WebIdentityFederationOptions options,
        TimeSpan refreshMargin,
        TimeProvider timeProvider,
        ILogger<WebIdentityFederationCredentialSource> logger)
        : base(refreshMargin, timeProvider, logger)
    {
        _tokenCredential = tokenCredential ?? throw new ArgumentNullException(nameof(tokenCredential));
        _sts = sts ?? throw new ArgumentNullException(nameof(sts));
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    public override string Name => "entra-web-identity";

    /// <summary>
    /// An STS client for <c>AssumeRoleWithWebIdentity</c>: the call is authorised by the token itself, so
    /// the client signs nothing and needs no AWS credentials. When <paramref name="httpClient"/> is given the
    /// calls go through it, so a host's handlers (proxy, diagnostics, the local test plan's faults) see them.
    /// </summary>
    public static AmazonSecurityTokenServiceClient CreateStsClient(WebIdentityFederationOptions options, HttpClient? httpClient = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var config = new AmazonSecurityTokenServiceConfig { AuthenticationRegion = options.Region };
        if (httpClient is not null)
        {
            config.HttpClientFactory = new ProvidedHttpClientFactory(httpClient);
        }

        if (options.StsEndpoint is not null)
        {
            config.ServiceURL = options.StsEndpoint.AbsoluteUri;
        }
        else
        {
            config.RegionEndpoint = Amazon.RegionEndpoint.GetBySystemName(options.Region);
        }

        return new AmazonSecurityTokenServiceClient(new AnonymousAWSCredentials(), config);
    }

    protected override async Task<ExpiringCredentials> FetchAsync(CancellationToken cancellationToken)
    {
        AccessToken token;
        try
        {
            token = await _tokenCredential.GetTokenAsync(new TokenRequestContext([_options.Scope]), cancellationToken).ConfigureAwait(false);
        }
        catch (AuthenticationFailedException ex)
        {
            // Azure.Identity's messages can run long and quote endpoint responses; the type is enough to act on.
            throw Failure($"no Entra ID token for scope '{_options.Scope}' ({ex.GetType().Name})", "EntraTokenUnavailable");
        }

        AssumeRoleWithWebIdentityResponse response;
        try
        {
            response = await _sts.AssumeRoleWithWebIdentityAsync(
                new AssumeRoleWithWebIdentityRequest
                {
                    RoleArn = _options.RoleArn,
                    RoleSessionName = _options.RoleSessionName,
                    DurationSeconds = _options.DurationSeconds,
                    WebIdentityToken = token.Token,
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex)
        {
            string errorCode = string.IsNullOrEmpty(ex.ErrorCode) ? $"Http{(int)ex.StatusCode}" : ex.ErrorCode;
            throw Failure($"STS AssumeRoleWithWebIdentity failed with HTTP {(int)ex.StatusCode} ({errorCode})", errorCode);
        }
        catch (AmazonClientException ex)
        {
            throw Failure($"STS AssumeRoleWithWebIdentity could not be called ({ex.GetType().Name})", ex.GetType().Name);
        }

        Amazon.SecurityToken.Model.Credentials? credentials = response.Credentials;
        if (credentials?.AccessKeyId is null || credentials.SecretAccessKey is null || credentials.SessionToken is null || credentials.Expiration is null)
        {
            throw Failure("STS AssumeRoleWithWebIdentity returned incomplete credentials", "InvalidResponse");
        }

        DateTime expiration = credentials.Expiration.Value.Kind == DateTimeKind.Unspecified
            ? DateTime.SpecifyKind(credentials.Expiration.Value, DateTimeKind.Utc)
            : credentials.Expiration.Value.ToUniversalTime();
        return new ExpiringCredentials(
            new AwsCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.SessionToken),
            new DateTimeOffset(expiration, TimeSpan.Zero));
    }
}
