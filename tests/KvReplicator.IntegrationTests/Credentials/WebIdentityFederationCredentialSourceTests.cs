using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Azure.Core;
using Azure.Identity;
using KvReplicator.Credentials;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvReplicator.IntegrationTests.Credentials;

/// <summary>Entra ID token → STS AssumeRoleWithWebIdentity through the real AWS SDK client, against moto's STS.</summary>
public sealed class WebIdentityFederationCredentialSourceTests
{
    private const string EntraToken = "eyJhbGciOiJSUzI1NiJ9.fake-entra-token.signature";

    [Fact]
    public async Task An_entra_token_is_exchanged_for_session_credentials_that_work()
    {
        MotoServer moto = await SharedEmulators.MotoAsync();
        string roleName = SharedEmulators.UniqueName("kvrep-federated");
        var entra = new FakeTokenCredential(EntraToken);
        WebIdentityFederationOptions options = Options(moto.Endpoint, $"arn:aws:iam::123456789012:role/{roleName}");
        WebIdentityFederationCredentialSource source = Source(entra, options);

        AwsCredentials credentials = await source.GetCredentialsAsync();

        Assert.StartsWith("ASIA", credentials.AccessKey, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(credentials.SecretKey));
        Assert.False(string.IsNullOrEmpty(credentials.Token));
        Assert.Equal(["api://AzureADTokenExchange/.default"], entra.RequestedScopes);

        // Used: STS knows the session as the assumed role.
        using var sts = new AmazonSecurityTokenServiceClient(
            new SessionAWSCredentials(credentials.AccessKey, credentials.SecretKey, credentials.Token),
            new AmazonSecurityTokenServiceConfig { ServiceURL = moto.Endpoint.AbsoluteUri, AuthenticationRegion = "us-east-1" });
        GetCallerIdentityResponse identity = await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest());
        Assert.Equal($"arn:aws:sts::123456789012:assumed-role/{roleName}/kvreplicator", identity.Arn);
    }

    [Fact]
    public async Task The_session_is_cached_so_entra_is_asked_once()
    {
        MotoServer moto = await SharedEmulators.MotoAsync();
        var entra = new FakeTokenCredential(EntraToken);
        WebIdentityFederationCredentialSource source = Source(entra, Options(moto.Endpoint, $"arn:aws:iam::123456789012:role/{SharedEmulators.UniqueName("kvrep-cached")}"));

        AwsCredentials first = await source.GetCredentialsAsync();
        AwsCredentials second = await source.GetCredentialsAsync();

        Assert.Same(first, second);
        Assert.Single(entra.RequestedScopes);
    }

    [Fact]
    public async Task The_configured_scope_is_the_one_asked_of_entra()
    {
        MotoServer moto = await SharedEmulators.MotoAsync();
        var entra = new FakeTokenCredential(EntraToken);
        WebIdentityFederationOptions options = Options(moto.Endpoint, $"arn:aws:iam::123456789012:role/{SharedEmulators.UniqueName("kvrep-scope")}");
        options.Scope = "api://kvreplicator-aws/.default";

        await Source(entra, options).GetCredentialsAsync();

        Assert.Equal(["api://kvreplicator-aws/.default"], entra.RequestedScopes);
    }

    [Fact]
    public async Task An_sts_error_surfaces_as_a_transient_failure_with_its_code_and_without_the_token()
    {
        await using StsErrorStandIn sts = await StsErrorStandIn.StartAsync(
            HttpStatusCode.BadRequest, "InvalidIdentityToken", "No OpenIDConnect provider found in your account for https://sts.windows.net/tenant/");
        WebIdentityFederationOptions options = Options(sts.Endpoint, "arn:aws:iam::123456789012:role/kvreplicator");

        SecretStoreException ex = await Assert.ThrowsAsync<SecretStoreException>(() => Source(new FakeTokenCredential(EntraToken), options).GetCredentialsAsync().AsTask());

        Assert.True(ex.IsTransient);
        Assert.Equal("InvalidIdentityToken", ex.ErrorCode);
        Assert.Contains("InvalidIdentityToken", ex.Message, StringComparison.Ordinal);
        Assert.Contains("HTTP 400", ex.Message, StringComparison.Ordinal);
        Assert.Contains("entra-web-identity", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(EntraToken, ex.ToString(), StringComparison.Ordinal);

        // What went on the wire (the SDK retries InvalidIdentityToken itself): the token, the role and the
        // duration, and no AWS signature.
        Assert.NotEmpty(sts.Requests);
        IReadOnlyDictionary<string, string> request = sts.Requests.First();
        Assert.Equal("AssumeRoleWithWebIdentity", request["Action"]);
        Assert.Equal(EntraToken, request["WebIdentityToken"]);
        Assert.Equal("arn:aws:iam::123456789012:role/kvreplicator", request["RoleArn"]);
        Assert.Equal("kvreplicator", request["RoleSessionName"]);
        Assert.Equal("3600", request["DurationSeconds"]);
        Assert.All(sts.RequestsHadAuthorization, hadAuthorization => Assert.False(hadAuthorization));
    }

    [Fact]
    public async Task Another_sts_error_keeps_its_own_code()
    {
        await using StsErrorStandIn sts = await StsErrorStandIn.StartAsync(HttpStatusCode.BadRequest, "ExpiredTokenException", "Token expired");

        SecretStoreException ex = await Assert.ThrowsAsync<SecretStoreException>(
            () => Source(new FakeTokenCredential(EntraToken), Options(sts.Endpoint, "arn:aws:iam::123456789012:role/kvreplicator")).GetCredentialsAsync().AsTask());

        Assert.Equal("ExpiredTokenException", ex.ErrorCode);
    }

    [Fact]
    public async Task No_entra_token_is_a_transient_failure_and_sts_is_not_called()
    {
        await using StsErrorStandIn sts = await StsErrorStandIn.StartAsync(HttpStatusCode.BadRequest, "Unexpected", "must not be called");
        var entra = new FakeTokenCredential(EntraToken, new AuthenticationFailedException("ManagedIdentityCredential authentication unavailable"));

        SecretStoreException ex = await Assert.ThrowsAsync<SecretStoreException>(
            () => Source(entra, Options(sts.Endpoint, "arn:aws:iam::123456789012:role/kvreplicator")).GetCredentialsAsync().AsTask());

        Assert.True(ex.IsTransient);
        Assert.Equal("EntraTokenUnavailable", ex.ErrorCode);
        Assert.Empty(sts.Requests);
    }

    [Fact]
    public async Task Configuration_alone_wires_the_federation_source_end_to_end()
    {
        MotoServer moto = await SharedEmulators.MotoAsync();
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KvReplicator:Credentials:Source"] = "WebIdentity",
            ["KvReplicator:Credentials:WebIdentity:RoleArn"] = $"arn:aws:iam::123456789012:role/{SharedEmulators.UniqueName("kvrep-di")}",
            ["KvReplicator:Credentials:WebIdentity:StsEndpoint"] = moto.Endpoint.AbsoluteUri,
            ["KvReplicator:Credentials:WebIdentity:DurationSeconds"] = "900",
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<TokenCredential>(new FakeTokenCredential(EntraToken));
        services.AddCredentialSource(configuration);
        await using ServiceProvider provider = services.BuildServiceProvider();

        ICredentialSource source = provider.GetRequiredService<ICredentialSource>();
        AwsCredentials credentials = await source.GetCredentialsAsync();

        Assert.Equal("entra-web-identity", source.Name);
        Assert.StartsWith("ASIA", credentials.AccessKey, StringComparison.Ordinal);
    }

    private static WebIdentityFederationOptions Options(Uri stsEndpoint, string roleArn) => new()
    {
        RoleArn = roleArn,
        StsEndpoint = stsEndpoint,
    };

    private static WebIdentityFederationCredentialSource Source(TokenCredential entra, WebIdentityFederationOptions options)
    {
        IAmazonSecurityTokenService sts = WebIdentityFederationCredentialSource.CreateStsClient(options);
        return new WebIdentityFederationCredentialSource(
            entra, sts, options, TimeSpan.FromMinutes(5), TimeProvider.System, NullLogger<WebIdentityFederationCredentialSource>.Instance);
    }
}
