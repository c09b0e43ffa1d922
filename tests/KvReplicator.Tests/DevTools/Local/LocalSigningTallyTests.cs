using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using KvReplicator.DevTools.Local;

namespace KvReplicator.Tests.DevTools.Local;

public sealed class LocalSigningTallyTests
{
    [Fact]
    public async Task Counts_signed_requests_their_session_tokens_and_distinct_temporary_keys_from_the_wire()
    {
        var tally = new LocalSigningTally();
        using var client = new HttpClient(new LocalSigningTallyHandler(tally) { InnerHandler = new OkHandler() });

        await client.SendAsync(Signed("ASIAFIRST0000000001", sessionToken: "token-1"));
        await client.SendAsync(Signed("ASIAFIRST0000000001", sessionToken: "token-1"));
        await client.SendAsync(Signed("ASIASECOND000000002", sessionToken: "token-2"));
        await client.SendAsync(Signed("AKIALONGLIVED000003", sessionToken: null));
        await client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:9/"));

        Assert.Equal(4, tally.SignedRequests);
        Assert.Equal(3, tally.WithSessionToken);
        Assert.Equal(3, tally.WithTemporaryKey);
        Assert.Equal(3, tally.DistinctAccessKeys);
    }

    [Fact]
    public async Task Reads_what_the_sdk_signer_puts_on_the_wire()
    {
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = new Uri("http://127.0.0.1:9/"), Content = "{}"u8.ToArray() };
        signing.Headers["X-Amz-Target"] = "secretsmanager.PutSecretValue";
        AWSSigningResult signed = await AWSSigV4Signer.SignAsync(
            signing,
            new AWSSigV4Parameters { Credentials = new SessionAWSCredentials("ASIASIGNED000000001", "secret", "session"), Region = RegionEndpoint.USEast1, Service = "secretsmanager", SignedAt = DateTime.UtcNow });
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:9/");
        foreach (KeyValuePair<string, string> header in signed.Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        var tally = new LocalSigningTally();
        tally.Observe(request);

        Assert.Equal(1, tally.SignedRequests);
        Assert.Equal(1, tally.WithSessionToken);
        Assert.Equal(1, tally.WithTemporaryKey);
    }

    [Theory]
    [InlineData("Credential=ASIAKEY/20261123/us-east-1/secretsmanager/aws4_request, SignedHeaders=host, Signature=ab", "ASIAKEY")]
    [InlineData("SignedHeaders=host, Signature=ab", null)]
    [InlineData("Credential=, Signature=ab", null)]
    public void Reads_the_access_key_id_from_a_sigv4_authorization(string parameter, string? expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:9/");
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 " + parameter);

        Assert.Equal(expected, LocalSigningTally.AccessKeyId(request));
    }

    private static HttpRequestMessage Signed(string accessKeyId, string? sessionToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:9/");
        // Added as the Secrets Manager client adds the signer's headers: without validation.
        request.Headers.TryAddWithoutValidation(
            "Authorization", $"AWS4-HMAC-SHA256 Credential={accessKeyId}/20261123/us-east-1/secretsmanager/aws4_request, SignedHeaders=host;x-amz-date, Signature=00");
        if (sessionToken is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Security-Token", sessionToken);
        }

        return request;
    }

    private sealed class OkHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK));
    }
}
