using System.Net;
using Azure.Core;
using KvReplicator.DevTools.Bench;
using KvReplicator.Tests.Fakes;

namespace KvReplicator.Tests.DevTools.Bench;

public sealed class CountingHandlersTests
{
    [Fact]
    public async Task The_http_handler_counts_secrets_manager_requests_by_their_amz_target_operation()
    {
        var counter = new RemoteCallCounter();
        var wire = new CannedHttpMessageHandler().Respond(HttpStatusCode.OK, "{}").Respond(HttpStatusCode.OK, "{}");
        using var client = new HttpClient(new CountingHttpHandler(counter) { InnerHandler = wire });

        foreach (string operation in new[] { "secretsmanager.PutSecretValue", "secretsmanager.PutSecretValue" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/");
            request.Headers.TryAddWithoutValidation("X-Amz-Target", operation);
            (await client.SendAsync(request)).Dispose();
        }

        Assert.Equal(2, counter.Unattributed.Snapshot()[(RemoteService.SecretsManager, "PutSecretValue")]);
        Assert.Equal(2, wire.Requests.Count);
    }

    [Theory]
    [InlineData("GET", "https://127.0.0.1:5001/secrets/name/0123abc?api-version=7.6", "GetSecret(version)")]
    [InlineData("GET", "https://127.0.0.1:5001/secrets/name/?api-version=7.6", "GetSecret(latest)")]
    [InlineData("GET", "https://127.0.0.1:5001/secrets/name/versions?api-version=7.6", "GetSecretVersions")]
    public void Key_vault_operations_are_named_from_the_path(string method, string url, string expected)
    {
        Assert.Equal(expected, CountingPipelinePolicy.KeyVaultOperation(RequestMethod.Parse(method), new Uri(url)));
    }

    [Theory]
    [InlineData("PUT", "http://127.0.0.1:10000/acct/ledger/name/version", "PutBlob")]
    [InlineData("PUT", "http://127.0.0.1:10000/acct/ledger/name/version?comp=metadata", "SetBlobMetadata")]
    [InlineData("HEAD", "http://127.0.0.1:10000/acct/ledger/name/version", "GetBlobProperties")]
    [InlineData("GET", "http://127.0.0.1:10000/acct/ledger/secrets/vault/name", "GetBlob")]
    [InlineData("DELETE", "http://127.0.0.1:10000/acct/ledger/name/version", "DeleteBlob")]
    [InlineData("GET", "http://127.0.0.1:10000/acct/ledger?restype=container", "GetContainerProperties")]
    [InlineData("PUT", "http://127.0.0.1:10000/acct/ledger?restype=container", "CreateContainer")]
    [InlineData("GET", "http://127.0.0.1:10000/acct/ledger?restype=container&comp=list", "ListBlobs")]
    public void Blob_operations_are_named_from_the_method_and_query(string method, string url, string expected)
    {
        Assert.Equal(expected, CountingPipelinePolicy.BlobOperation(RequestMethod.Parse(method), new Uri(url)));
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        LatencySummary summary = LatencySummary.From(Enumerable.Range(1, 100).Select(ms => TimeSpan.FromMilliseconds(ms)));

        Assert.Equal((100, 50.0, 95.0, 99.0, 100.0), (summary.Count, summary.P50, summary.P95, summary.P99, summary.Max));
        Assert.Equal(0, LatencySummary.From([]).Count);
    }
}
