using System.Xml.Linq;
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
    private const int UnauthenticatedSetupCalls = 3;

    [Fact]
    public async Task Moto_accepts_our_signature_and_refuses_a_wrong_secret_key()
    {
        await using MotoServer moto = await MotoServer.StartAsync(checkSignaturesAfter: UnauthenticatedSetupCalls);
        (string accessKeyId, string secretAccessKey) = await CreateIamUserWithKeyAsync(moto.Endpoint);
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

    /// <summary>IAM's query API by hand (AWSSDK.IdentityManagement is not available); moto does not check these calls.</summary>
    private static async Task<(string AccessKeyId, string SecretAccessKey)> CreateIamUserWithKeyAsync(Uri endpoint)
    {
        string user = SharedEmulators.UniqueName("kvrep-test");
        using var http = new HttpClient { BaseAddress = endpoint };
        await CallIamAsync(http, new() { ["Action"] = "CreateUser", ["UserName"] = user });
        XDocument key = await CallIamAsync(http, new() { ["Action"] = "CreateAccessKey", ["UserName"] = user });
        await CallIamAsync(http, new()
        {
            ["Action"] = "PutUserPolicy",
            ["UserName"] = user,
            ["PolicyName"] = "secrets",
            ["PolicyDocument"] = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"secretsmanager:*","Resource":"*"}]}""",
        });
        return (Element(key, "AccessKeyId"), Element(key, "SecretAccessKey"));
    }

    private static async Task<XDocument> CallIamAsync(HttpClient http, Dictionary<string, string> parameters)
    {
        parameters["Version"] = "2010-05-08";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent(parameters) };
        // moto routes by the credential scope; the signature itself is not checked during the setup calls.
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=setup/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
        using HttpResponseMessage response = await http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"IAM {parameters["Action"]} failed with {(int)response.StatusCode}");
        return XDocument.Parse(body);
    }

    private static string Element(XDocument document, string name) =>
        document.Descendants().Single(element => element.Name.LocalName == name).Value;
}
