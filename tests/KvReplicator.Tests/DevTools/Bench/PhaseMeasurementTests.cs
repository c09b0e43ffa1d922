using KvReplicator.DevTools.Bench;

namespace KvReplicator.Tests.DevTools.Bench;

public sealed class PhaseMeasurementTests
{
    [Fact]
    public void Calls_per_version_count_every_call_of_the_phase_in_and_outside_deliveries_over_the_versions_delivered()
    {
        CallTally first = Tally((RemoteService.SecretsManager, "CreateSecret"), (RemoteService.KeyVault, "GetSecret(latest)"), (RemoteService.Blob, "PutBlob"));
        CallTally duplicate = Tally((RemoteService.Blob, "GetBlob"));
        CallTally others = Tally((RemoteService.KeyVaultToken, "GetToken"), (RemoteService.SecretsManager, "PutSecretValue"));
        var rounds = new[]
        {
            new PhaseMeasurement([Record(DeliveryKind.NewVersion, first), Record(DeliveryKind.Duplicate, duplicate)], TimeSpan.FromSeconds(1))
            {
                OtherCalls = others, VersionsCreated = 1, DuplicateDeliveries = 1, ReplicatorCpu = TimeSpan.FromSeconds(0.5),
            },
            new PhaseMeasurement([Record(DeliveryKind.TransientFailure, new CallTally()), Record(DeliveryKind.Acknowledged, new CallTally())], TimeSpan.FromSeconds(1))
            {
                OtherCalls = new CallTally(), VersionsCreated = 1, DuplicateDeliveries = 1, ReplicatorCpu = TimeSpan.FromSeconds(1.5),
            },
        };

        PhaseReport report = PhaseMeasurement.Combine(rounds).ToReport("p", "d", 0, profile: null);

        Assert.Equal(2, report.VersionsCreated);
        Assert.Equal(1.0, report.CallsPerVersion!["SecretsManager"]);
        Assert.Equal(0.5, report.CallsPerVersion["SecretsManager/CreateSecret"]);
        Assert.Equal(1.0, report.CallsPerVersion["Blob"]);
        Assert.Equal(0.5, report.CallsPerVersion["KeyVaultToken"]);
        Assert.Equal(3.0, report.CallsPerVersion[PhaseMeasurement.AllCalls]);
        Assert.Equal(1, report.RetryLaterAnswers);
        Assert.Equal(0.5, report.RetryLaterShareOfDuplicates);
        Assert.Equal(2.0, report.ReplicatorCpuSeconds);
        Assert.Equal(1000.0, report.ReplicatorCpuSecondsPer1000Versions);
        Assert.Equal(1, report.AcknowledgedDeliveries);
        Assert.Equal(2, report.HandlerLatencyMs.Count); // the new version and the acknowledged delivery
    }

    [Fact]
    public void A_phase_that_does_not_know_its_versions_gives_no_figures_per_version()
    {
        PhaseReport report = new PhaseMeasurement([Record(DeliveryKind.NewVersion, new CallTally())], TimeSpan.FromSeconds(1)).ToReport("p", "d", 0, profile: null);

        Assert.Null(report.CallsPerVersion);
        Assert.Null(report.RetryLaterShareOfDuplicates);
        Assert.Null(report.ReplicatorCpuSeconds);
    }

    private static DeliveryRecord Record(DeliveryKind kind, CallTally calls) => new(kind, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(20), calls);

    private static CallTally Tally(params (RemoteService Service, string Operation)[] calls)
    {
        var tally = new CallTally();
        foreach ((RemoteService service, string operation) in calls)
        {
            tally.Add(service, operation);
        }

        return tally;
    }
}
