using Amazon.Runtime;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Credentials;
using KvReplicator.DevTools.Targets;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.TestPlan.Cases;
using KvReplicator.TestPlan.Targets;

namespace KvReplicator.Tests.Cases;

public sealed class IdempotencyCaseTests
{
    private static TestPlanTarget DeploymentLikeTarget() => new(
        "https://my-vault.vault.azure.net/ -> Secrets Manager eu-west-1",
        new SecretClient(new Uri("https://my-vault.vault.azure.net/"), new DefaultAzureCredential()),
        new SecretsManagerClient(new HttpClient(), new AwsSdkCredentialSource(new BasicAWSCredentials("AKID", "SECRETKEY")), new SecretsManagerOptions { Region = "eu-west-1" }),
        new SecretNameMapper(string.Empty),
        faults: null,
        faultsUnavailableReason: "a real deployment");

    [Fact]
    public async Task Is_not_run_and_names_the_redeliver_url_option_when_the_target_can_neither_inject_nor_post()
    {
        TestCaseResult result = await new IdempotencyCase().RunAsync(new TestPlanContext(DeploymentLikeTarget(), new TestPlanOptions()));

        Assert.Equal(TestCaseStatus.NotRun, result.Status);
        Assert.Contains("--redeliver-url", result.Measured, StringComparison.Ordinal);
        Assert.Contains("a real deployment", result.Measured, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deployment_target_with_a_webhook_gets_a_redeliverer_for_its_vault_and_a_description_without_the_query()
    {
        TestPlanTarget target = TestPlanTargets.WithRedeliverer(DeploymentLikeTarget(),
            new Uri("https://app.azurewebsites.net/runtime/webhooks/eventgrid?functionName=ReplicateSecret"), "kvrep-test-system-key-2b9c", keyInQuery: true);

        Assert.NotNull(target.Redeliverer);
        Assert.Equal("https://app.azurewebsites.net/runtime/webhooks/eventgrid", target.Redeliverer.Description);
        Assert.Equal("a real deployment", target.FaultsUnavailableReason);
    }

    [Fact]
    public void A_key_in_the_query_without_the_environment_variable_is_a_configuration_error()
    {
        ArgumentException error = Assert.Throws<ArgumentException>(() =>
            TestPlanTargets.WithRedeliverer(DeploymentLikeTarget(), new Uri("https://host/api/events"), key: null, keyInQuery: true));

        Assert.Contains(TestPlanTargets.RedeliverKeyVariable, error.Message, StringComparison.Ordinal);
    }
}
