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

    [Fact]
    public void Calls_outside_any_delivery_go_to_the_phase_charged_with_them_then_back_to_unattributed()
    {
        var counter = new RemoteCallCounter();
        var phase = new CallTally();
        var delivery = new CallTally();

        using (counter.ChargeOthersTo(phase))
        {
            counter.Record(RemoteService.Blob, "PutBlob"); // e.g. a forwarder's thread, in no delivery
            using (counter.ChargeTo(delivery))
            {
                counter.Record(RemoteService.SecretsManager, "PutSecretValue");
            }
        }

        counter.Record(RemoteService.KeyVault, "GetSecret(latest)");

        Assert.Equal(1, phase.Total(RemoteService.Blob));
        Assert.Equal(0, phase.Total(RemoteService.SecretsManager));
        Assert.Equal(1, delivery.Total(RemoteService.SecretsManager));
        Assert.Equal(1, counter.Unattributed.Total(RemoteService.KeyVault));
        Assert.Equal(0, counter.Unattributed.Total(RemoteService.Blob));
    }
}
