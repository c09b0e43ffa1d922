using Amazon.Runtime;
using KvReplicator.Credentials;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;

namespace KvReplicator.IntegrationTests.SecretsManager;

/// <summary>
/// A moto of its own that verifies SigV4 after the setup calls, so the signing (AWSSDK.Core's signer over
/// our own requests) is checked by a real verifier rather than by string comparison.
/// </summary>
public sealed class SignatureVerificationTests
{
    // CreateUser, CreateAccessKey, PutUserPolicy: moto's IAM enforcement needs a policy as well as a key.
    private const int UnauthenticatedSetupCalls = MotoIam.CallsPerUser;

    [Fact]
    public async Task Moto_accepts_our_signature_and_refuses_a_wrong_secret_key()
    {
        await using MotoServer moto = await MotoServer.StartAsync(checkSignaturesAfter: UnauthenticatedSetupCalls);
        (string accessKeyId, string secretAccessKey) = await MotoIam.CreateUserWithKeyAsync(moto.Endpoint, "secretsmanager:*");
        string name = SharedEmulators.UniqueName("signed");

        SecretsManagerClient signed = CreateClient(moto.Endpoint, new BasicAWSCredentials(accessKeyId, secretAccessKey));
        await signed.CreateSecretAsync(new CreateSecretRequest { Name = name, ClientRequestToken = Guid.NewGuid().ToString("N"), SecretString = new SecretValue(SecretLeakGuard.Register("signed value")) });
        GetSecretValueResponse read = await signed.GetSecretValueAsync(new GetSecretValueRequest { SecretId = name });
        Assert.Equal("signed value", read.SecretString!.Reveal());

        SecretsManagerClient forged = CreateClient(moto.Endpoint, new BasicAWSCredentials(accessKeyId, "not-" + secretAccessKey));
        var refused = await Assert.ThrowsAsync<SecretsManagerException>(() => forged.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name }));

        Assert.Equal("SignatureDoesNotMatch", refused.ErrorType);
        Assert.Equal(403, refused.HttpStatus);
        Assert.True(refused.IsAuthFailure);
        Assert.True(refused.IsTransient);
        Assert.DoesNotContain(secretAccessKey, refused.Message, StringComparison.Ordinal);

        SecretsManagerClient unknown = CreateClient(moto.Endpoint, new BasicAWSCredentials("AKIAUNKNOWNKEY000000", secretAccessKey));
        var unrecognised = await Assert.ThrowsAsync<SecretsManagerException>(() => unknown.DescribeSecretAsync(new DescribeSecretRequest { SecretId = name }));
        Assert.Equal("InvalidClientTokenId", unrecognised.ErrorType);
        Assert.True(unrecognised.IsAuthFailure);
    }

    private static SecretsManagerClient CreateClient(Uri endpoint, AWSCredentials credentials) => new(
        new HttpClient(),
        new AwsSdkCredentialSource(credentials),
        new SecretsManagerOptions { Region = "us-east-1", ServiceUrl = endpoint, MaxRetries = 0 });
}
