using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.TestPlan.Cases;
using KvReplicator.TestPlan.Replication;
using KvReplicator.TestPlan.Reporting;
using KvReplicator.TestPlan.Targets;

namespace KvReplicator.IntegrationTests.DevTools.TestPlan;

/// <summary>
/// Case 2 as it runs against a real deployment: no hand on Event Grid, only the replicator's webhook. Here the
/// webhook is the local deployment's in-process <c>kvrep serve</c>, reached over HTTP with its delivery key.
/// </summary>
public sealed class IdempotencyOverWebhookTests
{
    [Fact]
    public async Task Case_2_posts_the_event_to_serve_and_finds_exactly_one_AWS_version()
    {
        await using LocalDeployment deployment = await LocalDeployment.StartAsync(new LocalDeploymentOptions
        {
            InjectFaults = false,
            TargetPrefix = SharedEmulators.UniqueName("tp-webhook") + "/",
            Moto = await SharedEmulators.MotoAsync(),
            Azurite = await SharedEmulators.AzuriteAsync(),
        });
        using var http = new HttpClient();
        TestPlanTarget plain = deployment.CreateTarget();
        var target = new TestPlanTarget(plain.Description, plain.Vault, plain.Aws, plain.Names, plain.Faults, plain.FaultsUnavailableReason)
        {
            Redeliverer = new HttpEventRedeliverer(http, deployment.EventsEndpoint, plain.Vault.VaultUri, deployment.Cloud.KeyVault.VaultName, deployment.DeliveryKey),
        };
        var options = new TestPlanOptions
        {
            Replication = new ReplicationScenarioOptions { Secrets = 1, MaxVersions = 1, NamePrefix = "tpw", Timeout = TimeSpan.FromMinutes(2) },
            Redeliveries = 3,
        };

        TestPlanReport report = await new TestPlanRunner(new TestPlanContext(target, options)).RunAsync([2]);

        TestCaseResult case2 = Assert.Single(report.Cases);
        Assert.True(case2.Status == TestCaseStatus.Passed, TestPlanMarkdown.Render(report));
        Assert.Contains(case2.Checks, check => check.Contains("3 of 3 re-deliveries", StringComparison.Ordinal));
        Assert.DoesNotContain(deployment.DeliveryKey, TestPlanMarkdown.Render(report), StringComparison.Ordinal);
    }
}
