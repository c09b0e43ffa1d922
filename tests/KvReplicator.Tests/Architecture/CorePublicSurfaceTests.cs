namespace KvReplicator.Tests.Architecture;

/// <summary>
/// The core is internal by default: its hosts (kvrep, kvrep-dev, the Functions app, the test plan) and the tests
/// see its internals (InternalsVisibleTo). Public is only what a public signature outside it forces.
/// </summary>
public sealed class CorePublicSurfaceTests
{
    [Fact]
    public void The_core_makes_public_only_what_a_public_signature_outside_it_takes()
    {
        string[] exported = [.. typeof(SecretValue).Assembly.GetExportedTypes().Select(type => type.FullName!).Order(StringComparer.Ordinal)];

        string[] expected =
        [
            // The Functions classes' public constructors take these three (the worker activates them).
            "KvReplicator.DeadLettering.RejectedDeliveryDeadLetterer",
            "KvReplicator.Events.KeyVaultEventProcessor",
            "KvReplicator.Reconciliation.SecretReconciler",

            // The unit tests' theories take these values as parameters.
            "KvReplicator.DeliveryDisposition",
            "KvReplicator.ReplicationOutcomeKind",
            "KvReplicator.TargetVersionStage",
        ];

        Assert.Equal(expected.Order(StringComparer.Ordinal), exported);
    }
}
