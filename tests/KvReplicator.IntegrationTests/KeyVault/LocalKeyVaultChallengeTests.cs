using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Azure;
using Azure.Core;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.LocalCloud.KeyVault;

namespace KvReplicator.IntegrationTests.KeyVault;

public sealed class LocalKeyVaultChallengeTests
{
    [Fact]
    public async Task The_sdk_is_challenged_first_without_content_then_sends_its_token_and_the_body()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        var recorder = new RequestRecorder();
        SecretClientOptions options = vault.CreateClientOptions();
        options.AddPolicy(recorder, HttpPipelinePosition.BeforeTransport);
        // The SDK caches challenges per host and port for the whole process; no other test uses the name
        // localhost, so a port reused from an earlier vault cannot make this client skip the challenge.
        var client = new SecretClient(new UriBuilder(vault.VaultUri) { Host = "localhost" }.Uri, new LocalKeyVaultCredential(), options);

        KeyVaultSecret secret = await client.SetSecretAsync("challenged", "value");
        await client.GetSecretAsync("challenged");

        Assert.Equal("value", secret.Value);
        IReadOnlyList<RecordedExchange> exchanges = recorder.Exchanges;
        Assert.Equal([401, 200, 200], exchanges.Select(e => e.Status));
        Assert.Null(exchanges[0].Authorization);
        Assert.False(exchanges[0].HadContent);
        Assert.Equal($"Bearer {LocalKeyVaultCredential.DefaultToken}", exchanges[1].Authorization);
        Assert.True(exchanges[1].HadContent);
        Assert.Equal($"Bearer {LocalKeyVaultCredential.DefaultToken}", exchanges[2].Authorization);
    }

    [Fact]
    public async Task A_request_without_a_token_gets_key_vaults_challenge()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { TenantId = "11111111-2222-3333-4444-555555555555" });
        using var http = new HttpClient(vault.CreatePinnedHandler());

        using HttpResponseMessage response = await http.GetAsync(new Uri(vault.VaultUri, "secrets?api-version=7.5"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            "Bearer authorization=\"https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555\", resource=\"https://vault.azure.net\"",
            Assert.Single(response.Headers.GetValues("WWW-Authenticate")));
        Assert.True(response.Headers.Contains("x-ms-request-id"));
        Assert.Equal("Unauthorized", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task A_wrong_token_is_refused_when_the_vault_expects_a_specific_one()
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { ExpectedAccessToken = "the-right-token" });
        SecretClient wrong = vault.CreateSecretClient(new LocalKeyVaultCredential("a-wrong-token"));
        SecretClient right = vault.CreateSecretClient(new LocalKeyVaultCredential("the-right-token"));

        RequestFailedException refused = await Assert.ThrowsAsync<RequestFailedException>(() => wrong.SetSecretAsync("guarded", "v"));
        KeyVaultSecret accepted = await right.SetSecretAsync("guarded", "v");

        Assert.Equal(401, refused.Status);
        Assert.Equal("v", accepted.Value);
    }

    [Theory]
    [InlineData("secrets")]
    [InlineData("secrets?api-version=1999-01-01")]
    public async Task A_missing_or_unknown_api_version_is_a_bad_request(string relative)
    {
        await using LocalKeyVault vault = await LocalKeyVault.StartAsync();
        using var http = new HttpClient(vault.CreatePinnedHandler());
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "token");

        using HttpResponseMessage response = await http.GetAsync(new Uri(vault.VaultUri, relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("BadParameter", await ErrorCodeAsync(response));
    }

    [Fact]
    public async Task Tls_is_pinned_to_the_vault_that_made_the_certificate()
    {
        await using LocalKeyVault first = await LocalKeyVault.StartAsync();
        await using LocalKeyVault second = await LocalKeyVault.StartAsync();
        using var http = new HttpClient(first.CreatePinnedHandler());

        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(second.VaultUri, "secrets?api-version=7.5")));
        Assert.False(first.Certificate.HasPrivateKey);
        Assert.NotEqual(first.CertificateThumbprintSha256, second.CertificateThumbprintSha256);
    }

    private static async Task<string?> ErrorCodeAsync(HttpResponseMessage response)
    {
        using JsonDocument body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("error").GetProperty("code").GetString();
    }
}
