using KvReplicator.DevTools.Bench;

namespace KvReplicator.Tests.DevTools.Bench;

public sealed class RemoteCallCounterTests
{
    [Fact]
    public async Task Calls_are_charged_to_the_delivery_whose_code_made_them_even_when_deliveries_interleave()
    {
        var counter = new RemoteCallCounter();
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
                counter.Record(RemoteService.SecretsManager, operation);
            }
        }

        await Task.WhenAll(Task.Run(() => DeliverAsync(first, "PutSecretValue")), Task.Run(() => DeliverAsync(second, "DescribeSecret")));
        counter.Record(RemoteService.Blob, "PutBlob");

        Assert.Equal(1, first.Snapshot()[(RemoteService.SecretsManager, "PutSecretValue")]);
        Assert.Equal(1, second.Snapshot()[(RemoteService.SecretsManager, "DescribeSecret")]);
        Assert.Single(first.Snapshot());
        Assert.Single(second.Snapshot());
        Assert.Equal(1, counter.Unattributed.Total(RemoteService.Blob));
    }
}
