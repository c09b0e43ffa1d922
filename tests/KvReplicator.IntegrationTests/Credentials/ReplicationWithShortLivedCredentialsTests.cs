using KvReplicator.Credentials;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.IntegrationTests.Replication;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing.Credentials;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Credentials;

/// <summary>
/// The replicator composed as in production, with the AWS credential source chosen by configuration
/// (no emulator key registered), replicating into moto. moto accepts any credentials, so these prove the
/// wiring: the source is the configured one, it gets short-lived credentials with a session token from its
/// issuer, and the writes carry them.
/// </summary>
public sealed class ReplicationWithShortLivedCredentialsTests : IDisposable
{
    private const string Region = "us-east-1";
    private const string TrustAnchorArn = "arn:aws:rolesanywhere:us-east-1:123456789012:trust-anchor/66666666-7777-8888-9999-000000000000";
    private const string ProfileArn = "arn:aws:rolesanywhere:us-east-1:123456789012:profile/11111111-2222-3333-4444-555555555555";
    private const string RoleArn = "arn:aws:iam::123456789012:role/kvreplicator";

    private readonly TestCertificateAuthority _authority = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Roles_Anywhere_native_signer_with_the_certificate_from_key_vault()
    {
        await using RolesAnywhereTestServer rolesAnywhere = await RolesAnywhereTestServer.StartAsync(_authority.Root, Region, TimeProvider.System);
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(
            services => services.AddHttpClient("KvReplicator.RolesAnywhere").ConfigurePrimaryHttpMessageHandler(rolesAnywhere.CreateHandler),
            RolesAnywhereSettings("RolesAnywhere", new Dictionary<string, string?> { ["KvReplicator:Credentials:RolesAnywhere:Endpoint"] = "https://rolesanywhere.us-east-1.amazonaws.com/" }),
            emulatorCredentials: false);
        await StoreCertificateAsync(harness, _authority.IssueLeaf(TestKeyKind.P256));

        await ReplicateOneVersionAsync(harness, "via-roles-anywhere");

        Assert.Equal("roles-anywhere-native", harness.Services.GetRequiredService<ICredentialSource>().Name);
        Assert.Empty(rolesAnywhere.Rejections);
        Assert.Equal(1, rolesAnywhere.SessionsIssued);
    }

    [Fact]
    public async Task Signing_helper_process_with_the_certificate_from_key_vault()
    {
        using FakeSigningHelper helper = FakeSigningHelper.Printing(FakeSigningHelper.CredentialJson(DateTimeOffset.UtcNow.AddHours(1)));
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(
            settings: RolesAnywhereSettings("SigningHelper", new Dictionary<string, string?> { ["KvReplicator:Credentials:SigningHelper:Path"] = helper.Path }),
            emulatorCredentials: false);
        TestLeaf leaf = _authority.IssueLeaf(TestKeyKind.Rsa);
        await StoreCertificateAsync(harness, leaf);

        await ReplicateOneVersionAsync(harness, "via-signing-helper");

        Assert.Equal("roles-anywhere-signing-helper", harness.Services.GetRequiredService<ICredentialSource>().Name);
        Assert.Equal(1, helper.Runs);
        Assert.Contains(TrustAnchorArn, helper.Arguments);
        // The helper saw a 0700 private directory and 0600 files for the certificate, key and chain.
        Assert.Equal(["600", "600", "600", "700"], helper.Modes.Select(mode => mode.Split(' ')[0]).Order());
        harness.Logs.AssertContainsNone([leaf.PrivateKeyPem.Reveal()]);
    }

    [Fact]
    public async Task Entra_id_token_exchanged_with_sts_web_identity()
    {
        Uri moto = (await SharedEmulators.MotoAsync()).Endpoint;
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(
            settings: new Dictionary<string, string?>
            {
                ["KvReplicator:Credentials:Source"] = "WebIdentity",
                ["KvReplicator:Credentials:WebIdentity:RoleArn"] = RoleArn,
                ["KvReplicator:Credentials:WebIdentity:Region"] = Region,
                ["KvReplicator:Credentials:WebIdentity:StsEndpoint"] = moto.ToString(),
            },
            emulatorCredentials: false);

        await ReplicateOneVersionAsync(harness, "via-web-identity");

        ICredentialSource source = harness.Services.GetRequiredService<ICredentialSource>();
        Assert.Equal("entra-web-identity", source.Name);
        Assert.False(string.IsNullOrEmpty((await source.GetCredentialsAsync()).Token));
    }

    public void Dispose() => _authority.Dispose();

    private static async Task ReplicateOneVersionAsync(ReplicationHarness harness, string name)
    {
        string version = await harness.SetSecretAsync(name, $"value replicated {name}");

        DeliveryResult result = await harness.DeliverAsync(name, version);

        Assert.Equal(ReplicationOutcomeKind.Replicated, Assert.Single(result.Events).Outcome.Kind);
        Assert.Equal($"value replicated {name}", (await harness.AwsCurrentAsync(name)).SecretString!.Reveal());
        foreach (string own in ReplicationOptions.DefaultExcludedSecretNames)
        {
            SecretsManagerException missing = await Assert.ThrowsAsync<SecretsManagerException>(
                () => harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = harness.TargetName(own) }));
            Assert.Equal(SecretsManagerErrorTypes.ResourceNotFound, missing.ErrorType);
        }
    }

    private async Task StoreCertificateAsync(ReplicationHarness harness, TestLeaf leaf)
    {
        await harness.Vault.SetSecretAsync("kvrep-roles-anywhere-certificate", leaf.CertificatePem);
        await harness.Vault.SetSecretAsync("kvrep-roles-anywhere-private-key", leaf.PrivateKeyPem.Reveal());
        await harness.Vault.SetSecretAsync("kvrep-roles-anywhere-chain", _authority.ChainPem);
    }

    private static Dictionary<string, string?> RolesAnywhereSettings(string source, IReadOnlyDictionary<string, string?> extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["KvReplicator:Credentials:Source"] = source,
            ["KvReplicator:Credentials:RolesAnywhere:TrustAnchorArn"] = TrustAnchorArn,
            ["KvReplicator:Credentials:RolesAnywhere:ProfileArn"] = ProfileArn,
            ["KvReplicator:Credentials:RolesAnywhere:RoleArn"] = RoleArn,
            ["KvReplicator:Credentials:RolesAnywhere:Region"] = Region,
        };
        foreach ((string key, string? value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }
}
