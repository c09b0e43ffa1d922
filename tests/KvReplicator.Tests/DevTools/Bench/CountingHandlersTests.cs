using System.Net;
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

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        LatencySummary summary = LatencySummary.From(Enumerable.Range(1, 100).Select(ms => TimeSpan.FromMilliseconds(ms)));

        Assert.Equal((100, 50.0, 95.0, 99.0, 100.0), (summary.Count, summary.P50, summary.P95, summary.P99, summary.Max));
        Assert.Equal(0, LatencySummary.From([]).Count);
    }
}
