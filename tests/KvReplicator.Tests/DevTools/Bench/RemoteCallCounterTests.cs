using System.Net;
using KvReplicator.DevTools.Bench;
using KvReplicator.Diagnostics;
using KvReplicator.Tests.Fakes;

namespace KvReplicator.Tests.DevTools.Bench;

public sealed class RemoteCallCounterTests
{
    [Fact]
    public async Task Calls_are_charged_to_the_delivery_whose_code_made_them_even_when_deliveries_interleave()
    {
        using var counter = new RemoteCallCounter();
        var first = new CallTally();
        var second = new CallTally();
        var bothStarted = new TaskCompletionSource();
        int started = 0;

        async Task DeliverAsync(CallTally tally, string operation)
        {
            using (counter.ChargeTo(tally))
            {
                if (Interlocked.Increment(ref started) == 2)
                {
                    bothStarted.SetResult();
                }

                await bothStarted.Task;
                await Task.Yield();
                counter.Record(RemoteService.SecretsManager, operation, TimeSpan.FromMilliseconds(3));
            }
        }

        await Task.WhenAll(Task.Run(() => DeliverAsync(first, "PutSecretValue")), Task.Run(() => DeliverAsync(second, "DescribeSecret")));
        counter.Record(RemoteService.Blob, "PutBlob");

        Assert.Equal(1, Assert.Single(first.Snapshot(), entry => entry.Key == (RemoteService.SecretsManager, "PutSecretValue")).Value);
        Assert.Equal(1, Assert.Single(second.Snapshot(), entry => entry.Key == (RemoteService.SecretsManager, "DescribeSecret")).Value);
        Assert.Equal(TimeSpan.FromMilliseconds(3), first.Time(RemoteService.SecretsManager));

        // A call outside any delivery is charged to none.
        Assert.Equal(0, first.Total(RemoteService.Blob) + second.Total(RemoteService.Blob));
    }

    [Fact]
    public async Task Calls_the_production_handler_measures_are_counted_by_operation_for_the_delivery_that_made_them()
    {
        using var counter = new RemoteCallCounter();
        var delivery = new CallTally();
        var wire = new CannedHttpMessageHandler().Respond(HttpStatusCode.OK, "{}").Respond(HttpStatusCode.OK, "{}").Respond(HttpStatusCode.OK, "{}");
        using var client = new HttpClient(new RemoteCallHandler(RemoteOperations.SecretsManager) { InnerHandler = wire });

        async Task SendAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:1/");
            request.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.PutSecretValue");
            (await client.SendAsync(request)).Dispose();
        }

        using (counter.ChargeTo(delivery))
        {
            await SendAsync();
            await SendAsync();
        }

        await SendAsync();

        Assert.Equal(2, delivery.Snapshot()[(RemoteService.SecretsManager, "PutSecretValue")]);
        Assert.Equal(3, wire.Requests.Count);
    }
}
