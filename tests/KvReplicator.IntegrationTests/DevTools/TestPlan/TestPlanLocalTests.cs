using Azure.Security.KeyVault.Secrets;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.TestPlan.Cases;
using KvReplicator.TestPlan.Replication;
using KvReplicator.TestPlan.Reporting;
using KvReplicator.TestPlan.Targets;
using KvReplicator.Testing;
using Microsoft.Extensions.Logging;

namespace KvReplicator.IntegrationTests.DevTools.TestPlan;

/// <summary>
/// The test plan's six cases against the in-process local cloud with its fault injection, CI-sized: the same
/// runner <c>scripts/test-plan.sh</c> uses, on the shared moto and Azurite.
/// </summary>
public sealed class TestPlanLocalTests
{
    [Fact]
    public async Task Every_case_passes_against_the_local_cloud_and_no_value_reaches_the_report_or_the_logs()
    {
        var logs = new CapturedLogs();
        await using LocalDeployment deployment = await LocalDeployment.StartAsync(new LocalDeploymentOptions
        {
            InjectFaults = true,
            CredentialLifetime = TimeSpan.FromSeconds(3),
            TargetPrefix = SharedEmulators.UniqueName("tp") + "/",
            Moto = await SharedEmulators.MotoAsync(),
            Azurite = await SharedEmulators.AzuriteAsync(),
            ConfigureLogging = logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace),
        });
        var options = new TestPlanOptions
        {
            Replication = new ReplicationScenarioOptions { Secrets = 3, MaxVersions = 2, NamePrefix = "tp", Timeout = TimeSpan.FromMinutes(2) },
            Redeliveries = 2,
            CredentialRefreshes = 1,
            Updates = 3,
            BurstVersions = 5,
            ThrottleRate = 0.3,
            BrokenFor = TimeSpan.FromMilliseconds(300),
            LagBudget = TimeSpan.FromMinutes(2),
            Keep = true, // so the values can be read back and looked for below
        };
        var runner = new TestPlanRunner(new TestPlanContext(deployment.CreateTarget(), options));

        TestPlanReport report = await runner.RunAsync();

        string markdown = TestPlanMarkdown.Render(report);
        Assert.True(report.Succeeded, markdown);
        Assert.Equal([1, 2, 3, 4, 5, 6], report.Cases.Select(c => c.Number));
        Assert.All(report.Cases, c => Assert.Equal(TestCaseStatus.Passed, c.Status));

        // The production web identity source, not a stand-in, signed every Secrets Manager request with
        // temporary credentials from moto's STS, and refreshed them: case 3 saw at least two session keys.
        CredentialTally credentials = deployment.Faults!.Credentials;
        Assert.Equal("entra-web-identity", credentials.SourceName);
        Assert.True(credentials.AllTemporary, credentials.ToString());
        Assert.True(credentials.DistinctAccessKeys >= 2, credentials.ToString());
        Assert.True(credentials.SessionsIssued >= credentials.DistinctAccessKeys, credentials.ToString());
        TestCaseResult case3 = report.Cases.Single(c => c.Number == 3);
        Assert.StartsWith("entra-web-identity: session token on", case3.Measured, StringComparison.Ordinal);
        Assert.Equal(TestCaseStatus.Passed, case3.Status);

        string[] values = await AllValuesAsync(deployment.Cloud.CreateSecretClient());
        Assert.NotEmpty(values);
        string json = System.Text.Json.JsonSerializer.Serialize(report, ReportJson.Options);
        Assert.All(values.Where(v => v.Length >= 8), value =>
        {
            Assert.DoesNotContain(value, markdown, StringComparison.Ordinal);
            Assert.DoesNotContain(value, json, StringComparison.Ordinal);
        });
        logs.AssertContainsNone(values.Where(v => v.Length >= 8));
    }

    private static async Task<string[]> AllValuesAsync(SecretClient vault)
    {
        var values = new List<string>();
        await foreach (SecretProperties secret in vault.GetPropertiesOfSecretsAsync())
        {
            await foreach (SecretProperties version in vault.GetPropertiesOfSecretVersionsAsync(secret.Name))
            {
                values.Add((await vault.GetSecretAsync(version.Name, version.Version)).Value.Value);
            }
        }

        return [.. values];
    }
}
