using KvReplicator.DevTools.Chaos;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Emulators;
using Xunit.Abstractions;

namespace KvReplicator.IntegrationTests.DevTools.Chaos;

/// <summary>
/// The CI-sized chaos run: a few hundred versions through the composed replicator over moto, Azurite and the
/// local Key Vault while every edge fails now and then. The long setting is <c>kvrep-dev chaos --versions 5000
/// --secrets 50</c> (docs/reliability.md).
/// </summary>
public sealed class ChaosRunTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Nothing_is_lost_duplicated_or_left_in_flight_under_faults_crashes_and_redeliveries()
    {
        await using LocalCloudEnvironment cloud = await LocalCloudEnvironment.StartAsync(
            moto: await SharedEmulators.MotoAsync(), azurite: await SharedEmulators.AzuriteAsync());
        var options = new ChaosOptions { Versions = 240, Secrets = 8, Seed = 20261123, FaultRate = 0.06, CrashRate = 0.12 };

        ChaosReport report = await ChaosRun.RunAsync(options, cloud);
        output.WriteLine(report.ToText());

        // What must hold however unlucky the draws: Event Grid may give up on a version after 24 h of failures
        // (its dead letter says so and a replay re-drives it), but nothing is lost silently.
        string figures = report.ToText();
        Assert.Equal(240, report.VersionsCreated);
        Assert.True(report.LostVersions == 0, figures);
        Assert.True(report.DuplicatedVersions == 0, figures);
        Assert.True(report.WrongCurrent == 0, figures);
        Assert.True(report.WrongValues == 0, figures);
        Assert.True(report.MarkersInFlight == 0, figures);
        Assert.True(report.HandlerExceptions.Count == 0, figures);
        Assert.True(report.LogLeaks == 0, figures);
        Assert.True(report.DeadLetters.Count <= 3, figures);

        // Every version is done in the ledger, disabled, or has a dead letter saying why not (a replay finishes it).
        Assert.True(report.MarkersDone + report.VersionsDisabled + report.DeadLetters.Count >= report.VersionsCreated, figures);

        // The run only proves something if the chaos really happened: every edge failed, every crash point was hit.
        Assert.All(
            new[] { FaultInjectingHandler.Edge, FaultInjectingPolicy.KeyVaultEdge, FaultInjectingPolicy.BlobEdge, FlakyCredentialSource.Edge },
            edge => Assert.Contains(report.Faults.Keys, key => key.StartsWith(edge + "/", StringComparison.Ordinal)));
        Assert.Equal(Enum.GetNames<CrashStep>().Order(), report.Crashes.Keys.Order());
        Assert.True(report.Deliveries["duplicates-injected"] > 0);
        Assert.True(report.Deliveries["retries-scheduled"] > 0);
        Assert.True(report.Outcomes["AlreadyDone"] > 0);
        Assert.True(report.Outcomes["Skipped"] > 0, "some versions are disabled at birth and must be skipped");
    }
}
