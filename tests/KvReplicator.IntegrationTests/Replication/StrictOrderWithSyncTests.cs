using Xunit.Abstractions;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// Issue 15, "Must show" 1, with <c>sync</c> converging in a loop beside the deliveries: sync writes through
/// the replicator under the secret's lock, so it can never interleave with an event's write either. A class
/// of its own so that it runs in parallel with <see cref="StrictOrderTests"/>.
/// </summary>
public sealed class StrictOrderWithSyncTests(ITestOutputHelper output)
{
    [Fact]
    public Task Awscurrent_never_moves_back_with_sync_converging_beside_the_deliveries() => StrictOrderRun.RunAsync(output, withSync: true);
}
