using System.Collections.Concurrent;
using KvReplicator.Replication;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// Issue 15, "Must show" 3: a duplicate that arrives while its version is being written is answered
/// "already done" (200) once that write commits, instead of "retry later". The duplicate goes to a second
/// instance over the same ledger, so the first instance's in-process single flight cannot answer it: it waits
/// on the ledger lock. Writes are held 0.5 to 2.5 s, and each duplicate is sent once its version's write is
/// on the wire.
/// </summary>
public sealed class DuplicatesInFlightTests(ITestOutputHelper output)
{
    private const int VersionsPerSecret = 15;
    private static readonly string[] SecretNames = ["one", "two", "three", "four"];

    [Fact]
    public async Task A_duplicate_arriving_on_another_instance_during_the_write_is_answered_already_done()
    {
        var writing = new SlowWritesHandler(seed: 303);
        var duplicateWrites = new SlowWritesHandler(seed: 304);
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(writing.AddTo);
        ReplicatorInstance other = harness.StartInstance(duplicateWrites.AddTo);
        var outcomes = new ConcurrentQueue<(ReplicationOutcomeKind Original, ReplicationOutcomeKind SameInstance, ReplicationOutcomeKind OtherInstance)>();
        var versions = new ConcurrentDictionary<string, List<string>>(StringComparer.Ordinal);

        await Task.WhenAll(SecretNames.Select(async name =>
        {
            versions[name] = [];
            for (int i = 0; i < VersionsPerSecret; i++)
            {
                string version = await harness.SetSecretAsync(name, $"{name} value {i} {Guid.NewGuid():N}");
                versions[name].Add(version);
                Task<DeliveryResult> original = harness.Primary.DeliverAsync(name, version);
                await Task.WhenAny(original, writing.WhenWritingAsync(version, CancellationToken.None));
                Assert.False(original.IsCompleted, $"{name} {version} was answered before its write started: {Assert.Single((await original).Events).Outcome.Kind}");

                // Event Grid delivers at least once: the duplicate lands on any instance, this one included.
                Task<DeliveryResult> sameInstance = harness.Primary.DeliverAsync(name, version);
                Task<DeliveryResult> otherInstance = other.DeliverAsync(name, version);
                outcomes.Enqueue((Kind(await original), Kind(await sameInstance), Kind(await otherInstance)));
            }
        }));

        int retryLater = outcomes.Count(outcome => outcome.OtherInstance == ReplicationOutcomeKind.RetryLater);
        output.WriteLine(
            $"{outcomes.Count} versions, each written while a duplicate arrived on the same and on another instance: other instance " +
            string.Join(", ", outcomes.GroupBy(outcome => outcome.OtherInstance).Select(group => $"{group.Key} {group.Count()}")) +
            $"; same instance {string.Join(", ", outcomes.GroupBy(outcome => outcome.SameInstance).Select(group => $"{group.Key} {group.Count()}"))}");
        Assert.All(outcomes, outcome => Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Original));
        Assert.All(outcomes, outcome => Assert.Equal(ReplicationOutcomeKind.AlreadyDone, outcome.SameInstance));
        Assert.All(outcomes, outcome => Assert.Contains(outcome.OtherInstance, new[] { ReplicationOutcomeKind.AlreadyDone, ReplicationOutcomeKind.RetryLater }));
        Assert.True(retryLater * 20 <= outcomes.Count, $"{retryLater} of {outcomes.Count} duplicates were answered \"retry later\" (at most 5 % may be)");
        Assert.Equal(0, duplicateWrites.Writes);
        foreach (string name in SecretNames)
        {
            Assert.Equal(versions[name].Order(), (await harness.AwsVersionsAsync(name)).Select(version => version.VersionId!).Order());
        }
    }

    private static ReplicationOutcomeKind Kind(DeliveryResult result) => Assert.Single(result.Events).Outcome.Kind;
}
