using System.CommandLine;
using KvReplicator.Cli;
using KvReplicator.DevTools.Commands;
using KvReplicator.TestPlan.Cases;

namespace KvReplicator.Tests.DevTools.Commands;

public sealed class TestPlanCommandTests
{
    [Fact]
    public void The_target_is_local_by_default_and_azure_when_a_vault_is_given()
    {
        ParseResult local = new KvrepDevRootCommand().Parse(["test-plan"]);
        ParseResult real = new KvrepDevRootCommand().Parse(["test-plan", "--key-vault-uri", "https://vault.vault.azure.net/", "--aws-region", "eu-west-1", "--aws-profile", "audit", "--target-prefix", "kv/"]);

        Assert.Empty(local.Errors);
        Assert.Empty(real.Errors);
        Assert.Equal("local", TestPlanCommand.EffectiveTarget(local.CommandResult));
        Assert.Equal("azure", TestPlanCommand.EffectiveTarget(real.CommandResult));
        Assert.Equal("eu-west-1", real.GetValue(TestPlanCommand.AwsRegionOption));
        Assert.Equal("audit", real.GetValue(TestPlanCommand.AwsProfileOption));
        Assert.Equal("kv/", real.GetValue(TestPlanCommand.TargetPrefixOption));
    }

    [Fact]
    public void Azure_without_a_vault_is_a_parse_error()
    {
        Assert.NotEmpty(new KvrepDevRootCommand().Parse(["test-plan", "--target", "azure"]).Errors);
    }

    [Fact]
    public void Case_numbers_outside_one_to_six_are_a_parse_error()
    {
        Assert.NotEmpty(new KvrepDevRootCommand().Parse(["test-plan", "--cases", "1", "7"]).Errors);
        Assert.Empty(new KvrepDevRootCommand().Parse(["test-plan", "--cases", "1", "4", "5"]).Errors);
    }

    [Fact]
    public void Sizes_and_budgets_reach_the_plan_options()
    {
        ParseResult result = new KvrepDevRootCommand().Parse(
            ["test-plan", "--secrets", "4", "--max-versions", "3", "--updates", "6", "--seed", "11", "--timeout", "45", "--lag-budget", "9", "--keep", "--json", "--fresh"]);

        TestPlanOptions options = TestPlanCommand.ReadOptions(result);

        Assert.Empty(result.Errors);
        Assert.Equal(4, options.Replication.Secrets);
        Assert.Equal(3, options.Replication.MaxVersions);
        Assert.Equal(11, options.Replication.Seed);
        Assert.Equal(TimeSpan.FromSeconds(45), options.Replication.Timeout);
        Assert.Equal(6, options.Updates);
        Assert.Equal(TimeSpan.FromSeconds(9), options.LagBudget);
        Assert.True(options.Keep);
        Assert.True(result.GetValue(TestPlanCommand.FreshOption));
        options.Validate();
    }

    [Fact]
    public void A_redelivery_url_parses_with_a_real_target_and_a_key_in_the_query_needs_the_url()
    {
        ParseResult withUrl = new KvrepDevRootCommand().Parse(
            ["test-plan", "--key-vault-uri", "https://vault.vault.azure.net/", "--aws-region", "eu-west-1",
             "--redeliver-url", "https://app.azurewebsites.net/runtime/webhooks/eventgrid?functionName=ReplicateSecret", "--redeliver-key-in-query"]);

        Assert.Empty(withUrl.Errors);
        Assert.Equal("https://app.azurewebsites.net/runtime/webhooks/eventgrid?functionName=ReplicateSecret", withUrl.GetValue(TestPlanCommand.RedeliverUrlOption));
        Assert.True(withUrl.GetValue(TestPlanCommand.RedeliverKeyInQueryOption));
        Assert.NotEmpty(new KvrepDevRootCommand().Parse(["test-plan", "--redeliver-key-in-query"]).Errors);
    }

    [Fact]
    public async Task A_plain_http_redelivery_url_is_refused_before_anything_runs()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        ParseResult result = new KvrepDevRootCommand().Parse(
            ["test-plan", "--key-vault-uri", "https://vault.vault.azure.net/", "--aws-region", "eu-west-1", "--redeliver-url", "http://host/api/events"]);

        int exit = await result.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });

        Assert.Equal(ExitCodes.InvalidConfiguration, exit);
        Assert.Contains("--redeliver-url must be an https URL", error.ToString(), StringComparison.Ordinal);
    }
}
