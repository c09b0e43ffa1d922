using System.Net.Sockets;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.KeyVault;

namespace KvReplicator.Tests.KeyVault;

/// <summary>The Key Vault client's retries, through Azure.Core's real pipeline over a handler that fails as the wire does.</summary>
public sealed class KeyVaultRetryPolicyTests
{
    [Fact]
    public async Task An_untrusted_certificate_is_tried_once_not_four_times()
    {
        var wire = new FailingHandler(() => new HttpRequestException(HttpRequestError.SecureConnectionError, "The remote certificate was rejected"));

        RequestFailedException failure = await Assert.ThrowsAsync<RequestFailedException>(() => SendAsync(wire));

        Assert.Equal(1, wire.Attempts);
        Assert.True(KeyVaultFailures.IsPermanentTransportFailure(failure));
    }

    [Fact]
    public async Task A_host_that_does_not_exist_is_tried_once()
    {
        var wire = new FailingHandler(() => new HttpRequestException(HttpRequestError.NameResolutionError, "No such host", new SocketException((int)SocketError.HostNotFound)));

        await Assert.ThrowsAsync<RequestFailedException>(() => SendAsync(wire));

        Assert.Equal(1, wire.Attempts);
    }

    private static async Task SendAsync(HttpMessageHandler handler)
    {
        var options = new SecretClientOptions { RetryPolicy = new KeyVaultRetryPolicy(), Transport = new HttpClientTransport(handler) };
        HttpPipeline pipeline = HttpPipelineBuilder.Build(options);
        using HttpMessage message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri("https://contoso.vault.azure.net/secrets?api-version=7.6"));
        await pipeline.SendAsync(message, CancellationToken.None);
    }

    private sealed class FailingHandler(Func<Exception> failure) : HttpMessageHandler
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _attempts);
            return Task.FromException<HttpResponseMessage>(failure());
        }
    }
}
