using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Credentials;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;

namespace KvReplicator.Tests.Credentials;

public sealed class CredentialsServiceCollectionExtensionsTests
{
    private const string TrustAnchorArn = "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/66666666-7777-8888-9999-000000000000";
    private const string ProfileArn = "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/11111111-2222-3333-4444-555555555555";
    private const string RoleArn = "arn:aws:iam::123456789012:role/kvreplicator";

    [Fact]
    public void Defaults_are_the_sdk_chain_and_a_five_minute_margin()
    {
        using ServiceProvider services = Build([]);

        CredentialsOptions options = services.GetRequiredService<IOptions<CredentialsOptions>>().Value;
        Assert.Equal(CredentialSourceKind.Default, options.Source);
        Assert.Equal(TimeSpan.FromMinutes(5), options.RefreshMargin);
        Assert.Equal(3600, options.RolesAnywhere.DurationSeconds);
        Assert.Equal("kvrep-roles-anywhere-private-key", options.RolesAnywhere.PrivateKeySecretName);
        Assert.Equal("api://AzureADTokenExchange/.default", options.WebIdentity.Scope);
        Assert.Equal("aws-default-chain", services.GetRequiredService<ICredentialSource>().Name);
    }

    [Fact]
    public void The_certificate_secret_names_are_the_ones_replication_excludes()
    {
        var options = new RolesAnywhereOptions();

        Assert.Equal(
            KvReplicator.Replication.ReplicationOptions.DefaultExcludedSecretNames,
            [options.CertificateSecretName, options.PrivateKeySecretName, options.ChainSecretName]);
    }

    [Fact]
    public void RolesAnywhere_resolves_the_native_signer_with_the_registered_secret_client()
    {
        using ServiceProvider services = Build(RolesAnywhere("RolesAnywhere"), registerSecretClient: true);

        Assert.IsType<RolesAnywhereCredentialSource>(services.GetRequiredService<ICredentialSource>());
    }

    [Fact]
    public void SigningHelper_resolves_the_helper_process_source()
    {
        using ServiceProvider services = Build(RolesAnywhere("SigningHelper", ("KvReplicator:Credentials:RolesAnywhere:VaultUri", "https://certs.vault.azure.net/")));

        Assert.IsType<SigningHelperCredentialSource>(services.GetRequiredService<ICredentialSource>());
    }

    [Fact]
    public async Task WebIdentity_exchange_goes_through_the_named_sts_http_client()
    {
        var sts = new CannedResponseHandler(System.Net.HttpStatusCode.OK, StsSession("ASIAEXAMPLEKEY000001", DateTimeOffset.UtcNow.AddHours(1)));
        var token = new Mock<TokenCredential>();
        token.Setup(t => t.GetTokenAsync(It.IsAny<TokenRequestContext>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(new AccessToken("entra-token", DateTimeOffset.UtcNow.AddHours(1)));
        using ServiceProvider services = Build(
            [
                ("KvReplicator:Credentials:Source", "WebIdentity"),
                ("KvReplicator:Credentials:WebIdentity:RoleArn", RoleArn),
                ("KvReplicator:Credentials:WebIdentity:StsEndpoint", "http://127.0.0.1:9/"),
            ],
            configure: collection =>
            {
                collection.AddSingleton(token.Object);
                collection.AddHttpClient(WebIdentityFederationOptions.StsHttpClientName).ConfigurePrimaryHttpMessageHandler(() => sts);
            });

        AwsCredentials credentials = await services.GetRequiredService<ICredentialSource>().GetCredentialsAsync();

        Assert.Equal(1, sts.Requests);
        Assert.Equal("ASIAEXAMPLEKEY000001", credentials.AccessKey);
        Assert.Equal("session-token", credentials.Token);
    }

    [Fact]
    public void WebIdentity_resolves_the_federation_source()
    {
        using ServiceProvider services = Build(
        [
            ("KvReplicator:Credentials:Source", "WebIdentity"),
            ("KvReplicator:Credentials:WebIdentity:RoleArn", RoleArn),
            ("KvReplicator:Credentials:WebIdentity:StsEndpoint", "http://127.0.0.1:5000"),
        ]);

        Assert.IsType<WebIdentityFederationCredentialSource>(services.GetRequiredService<ICredentialSource>());
    }

    [Fact]
    public void A_certificate_source_without_a_vault_says_what_to_configure()
    {
        using ServiceProvider services = Build(RolesAnywhere("RolesAnywhere"));

        InvalidOperationException ex = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<ICredentialSource>());
        Assert.Contains("RolesAnywhere:VaultUri", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_chosen_source_must_have_what_it_needs()
    {
        using ServiceProvider services = Build([("KvReplicator:Credentials:Source", "RolesAnywhere")]);

        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CredentialsOptions>>().Value);
        Assert.Contains("RolesAnywhere:TrustAnchorArn is required for this credential source", ex.Failures);
        Assert.Contains("RolesAnywhere:ProfileArn is required for this credential source", ex.Failures);
        Assert.Contains("RolesAnywhere:RoleArn is required for this credential source", ex.Failures);
        Assert.Contains("RolesAnywhere:Region is required for this credential source", ex.Failures);
    }

    [Fact]
    public void Sections_of_sources_not_chosen_are_not_checked()
    {
        using ServiceProvider services = Build(
        [
            ("KvReplicator:Credentials:Source", "WebIdentity"),
            ("KvReplicator:Credentials:WebIdentity:RoleArn", RoleArn),
            ("KvReplicator:Credentials:RolesAnywhere:TrustAnchorArn", "not-an-arn"),
        ]);

        Assert.Equal(CredentialSourceKind.WebIdentity, services.GetRequiredService<IOptions<CredentialsOptions>>().Value.Source);
    }

    [Theory]
    [InlineData("KvReplicator:Credentials:RolesAnywhere:TrustAnchorArn", "arn:aws:iam::123456789012:role/wrong-kind", "RolesAnywhere:TrustAnchorArn must look like")]
    [InlineData("KvReplicator:Credentials:RolesAnywhere:ProfileArn", "profile/abc", "RolesAnywhere:ProfileArn must look like")]
    [InlineData("KvReplicator:Credentials:RolesAnywhere:RoleArn", "arn:aws:iam::12345:role/short-account", "RolesAnywhere:RoleArn must look like")]
    [InlineData("KvReplicator:Credentials:RolesAnywhere:DurationSeconds", "899", "RolesAnywhere:DurationSeconds must be between 900 and 43200")]
    [InlineData("KvReplicator:Credentials:RolesAnywhere:DurationSeconds", "43201", "RolesAnywhere:DurationSeconds must be between 900 and 43200")]
    [InlineData("KvReplicator:Credentials:RolesAnywhere:Region", "Europe", "RolesAnywhere:Region must be an AWS region name")]
    [InlineData("KvReplicator:Credentials:SigningHelper:Timeout", "00:00:00", "SigningHelper:Timeout must be between")]
    public void Invalid_values_fail_with_a_message_naming_the_key(string key, string value, string message)
    {
        using ServiceProvider services = Build(RolesAnywhere("SigningHelper", (key, value)));

        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CredentialsOptions>>().Value);
        Assert.Contains(ex.Failures, failure => failure.Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("KvReplicator:Credentials:WebIdentity:DurationSeconds", "50000", "WebIdentity:DurationSeconds must be between 900 and 43200")]
    [InlineData("KvReplicator:Credentials:WebIdentity:RoleSessionName", "has spaces", "WebIdentity:RoleSessionName must be")]
    [InlineData("KvReplicator:Credentials:WebIdentity:RoleArn", "", "WebIdentity:RoleArn is required")]
    public void Invalid_web_identity_values_fail_with_a_message_naming_the_key(string key, string value, string message)
    {
        using ServiceProvider services = Build(
        [
            ("KvReplicator:Credentials:Source", "WebIdentity"),
            ("KvReplicator:Credentials:WebIdentity:RoleArn", RoleArn),
            (key, value),
        ]);

        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CredentialsOptions>>().Value);
        Assert.Contains(ex.Failures, failure => failure.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void A_refresh_margin_over_an_hour_is_refused()
    {
        using ServiceProvider services = Build([("KvReplicator:Credentials:RefreshMargin", "02:00:00")]);

        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CredentialsOptions>>().Value);
        Assert.Contains(ex.Failures, failure => failure.Contains("RefreshMargin must be between", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("RolesAnywhere", "us-east-1", TrustAnchorArn, ProfileArn,
        "RolesAnywhere:Region is us-east-1 but RolesAnywhere:TrustAnchorArn and ProfileArn are in eu-west-1: set RolesAnywhere:Region to eu-west-1")]
    [InlineData("SigningHelper", "eu-west-1", TrustAnchorArn, "arn:aws:rolesanywhere:eu-central-1:123456789012:profile/11111111-2222-3333-4444-555555555555",
        "RolesAnywhere:TrustAnchorArn is in eu-west-1 but RolesAnywhere:ProfileArn is in eu-central-1: a session needs a trust anchor and a profile of the same region")]
    public void A_region_that_is_not_the_trust_anchors_and_the_profiles_is_refused_at_start_in_one_line(string source, string region, string trustAnchor, string profile, string expected)
    {
        using ServiceProvider services = Build(RolesAnywhere(
            source,
            ("KvReplicator:Credentials:RolesAnywhere:Region", region),
            ("KvReplicator:Credentials:RolesAnywhere:TrustAnchorArn", trustAnchor),
            ("KvReplicator:Credentials:RolesAnywhere:ProfileArn", profile),
            ("KvReplicator:Credentials:SigningHelper:Path", "/usr/local/bin/aws_signing_helper")));

        OptionsValidationException ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CredentialsOptions>>().Value);

        Assert.Equal(expected, Assert.Single(ex.Failures));
        Assert.DoesNotContain('\n', ex.Message);
    }

    private static (string, string)[] RolesAnywhere(string source, params (string Key, string Value)[] overrides)
    {
        var settings = new Dictionary<string, string>
        {
            ["KvReplicator:Credentials:Source"] = source,
            ["KvReplicator:Credentials:RolesAnywhere:TrustAnchorArn"] = TrustAnchorArn,
            ["KvReplicator:Credentials:RolesAnywhere:ProfileArn"] = ProfileArn,
            ["KvReplicator:Credentials:RolesAnywhere:RoleArn"] = RoleArn,
            ["KvReplicator:Credentials:RolesAnywhere:Region"] = "eu-west-1",
        };
        foreach ((string key, string value) in overrides)
        {
            settings[key] = value;
        }

        return settings.Select(pair => (pair.Key, pair.Value)).ToArray();
    }

    private static string StsSession(string accessKeyId, DateTimeOffset expiration) =>
        $"""<AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>{accessKeyId}</AccessKeyId><SecretAccessKey>secret-access-key</SecretAccessKey><SessionToken>session-token</SessionToken><Expiration>{expiration.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}</Expiration></Credentials></AssumeRoleWithWebIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></AssumeRoleWithWebIdentityResponse>""";

    private static ServiceProvider Build((string Key, string Value)[] settings, bool registerSecretClient = false, Action<IServiceCollection>? configure = null)
    {
        var lastWins = new Dictionary<string, string?>();
        foreach ((string key, string value) in settings)
        {
            lastWins[key] = value;
        }

        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(lastWins).Build();
        var services = new ServiceCollection();
        services.AddSingleton(Mock.Of<TokenCredential>());
        if (registerSecretClient)
        {
            services.AddSingleton(new Mock<SecretClient>().Object);
        }

        configure?.Invoke(services);
        services.AddCredentialSource(configuration);
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
