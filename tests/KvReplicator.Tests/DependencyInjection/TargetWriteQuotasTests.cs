using System.Net;
using Amazon.Runtime;
using KvReplicator.Credentials;
using System.Text;
using KvReplicator.DependencyInjection;
using KvReplicator.SecretsManager;
using KvReplicator.Throttling;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.DependencyInjection;

/// <summary>
/// Issue 14 item 3, follow-up: AWS's write quota is per account and Region, so the process keeps one write rate
/// limiter per quota: targets of different accounts or Regions never wait for each other, targets of one account
/// and Region share one limit, and a target whose account the settings do not tell shares its Region's.
/// </summary>
public sealed class TargetWriteQuotasTests
{
    private const string RoleOf111 = "arn:aws:iam::111122223333:role/kvrep";
    private const string RoleOf444 = "arn:aws:iam::444455556666:role/kvrep";

    private readonly FakeTimeProvider _time = new();
    private readonly List<string> _sent = [];

    [Fact]
    public async Task Targets_in_different_accounts_do_not_wait_for_each_other_while_targets_in_one_account_and_region_share_one_limit()
    {
        using ServiceProvider services = Build(
            Target(0, "a", "eu-west-1", accountId: "111122223333"),
            Target(1, "b", "eu-west-1", accountId: "444455556666"),
            Target(2, "c", "eu-west-1", accountId: "111122223333"));
        IReadOnlyDictionary<string, ISecretTarget> targets = Targets(services);

        // One write a second, one at once: each quota's first write passes at once.
        Assert.True(await targets["a"].PromoteAsync("app", "v2", "v1"));
        Task<bool> b = targets["b"].PromoteAsync("app", "v2", "v1");
        Task<bool> c = targets["c"].PromoteAsync("app", "v2", "v1");

        Assert.True(b.IsCompletedSuccessfully, "b is another account: it must not wait for a's turn");
        Assert.False(c.IsCompleted, "c is a's account and Region: it waits for the next turn of their one limit");
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(c.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await c.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(3, _sent.Count(operation => operation == "UpdateSecretVersionStage"));
    }

    [Fact]
    public async Task Targets_in_different_regions_of_one_account_do_not_wait_for_each_other()
    {
        using ServiceProvider services = Build(
            Target(0, "eu", "eu-west-1", roleArn: RoleOf111),
            Target(1, "us", "us-east-1", roleArn: RoleOf111));
        IReadOnlyDictionary<string, ISecretTarget> targets = Targets(services);

        Assert.True(await targets["eu"].PromoteAsync("app", "v2", "v1"));
        Task<bool> us = targets["us"].PromoteAsync("app", "v2", "v1");
        Task<bool> euAgain = targets["eu"].PromoteAsync("app", "v3", "v2");

        Assert.True(us.IsCompletedSuccessfully);
        Assert.False(euAgain.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(await euAgain.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public void Two_targets_compose_two_limiters_in_two_accounts_and_one_in_one_account_and_region()
    {
        using ServiceProvider twoAccounts = Build(Target(0, "a", "eu-west-1", roleArn: RoleOf111), Target(1, "b", "eu-west-1", roleArn: RoleOf444));
        using ServiceProvider oneAccount = Build(Target(0, "a", "eu-west-1", roleArn: RoleOf111), Target(1, "b", "eu-west-1", accountId: "111122223333"));

        TargetWriteQuotas two = twoAccounts.GetRequiredService<TargetWriteQuotas>();
        TargetWriteQuotas one = oneAccount.GetRequiredService<TargetWriteQuotas>();

        Assert.Equal(["111122223333/eu-west-1", "444455556666/eu-west-1"], two.Targets.Select(target => target.Quota.ToString()));
        Assert.NotSame(two.LimiterOf("a"), two.LimiterOf("b"));
        Assert.All(two.Targets, target => Assert.Empty(target.SharedWith));
        Assert.Equal(["111122223333/eu-west-1", "111122223333/eu-west-1"], one.Targets.Select(target => target.Quota.ToString()));
        Assert.Same(one.LimiterOf("a"), one.LimiterOf("b"));
        Assert.Equal("1 writes/s, burst 1 (KvReplicator:WriteRateLimit), shared with b", one.Of("a").Describe());
    }

    [Fact]
    public void A_target_whose_account_is_not_known_makes_its_region_one_quota_and_other_regions_keep_theirs()
    {
        using ServiceProvider services = Build(
            Target(0, "a", "eu-west-1", roleArn: RoleOf111),
            Target(1, "b", "eu-west-1", roleArn: RoleOf444),
            Target(2, "default-chain", "eu-west-1"),
            Target(3, "us", "us-east-1", roleArn: RoleOf444));

        TargetWriteQuotas quotas = services.GetRequiredService<TargetWriteQuotas>();

        Assert.Equal(["eu-west-1", "eu-west-1", "eu-west-1", "444455556666/us-east-1"], quotas.Targets.Select(target => target.Quota.ToString()));
        Assert.Same(quotas.LimiterOf("a"), quotas.LimiterOf("default-chain"));
        Assert.Same(quotas.LimiterOf("a"), quotas.LimiterOf("b"));
        Assert.NotSame(quotas.LimiterOf("a"), quotas.LimiterOf("us"));
        Assert.Contains("account not known from the settings", quotas.Of("b").Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_quota_takes_the_limit_one_of_its_targets_sets_over_the_deployments_with_the_keys_it_leaves_out()
    {
        using ServiceProvider services = Build(
            [
                .. Target(0, "a", "eu-west-1", roleArn: RoleOf111),
                .. Target(1, "b", "eu-west-1", roleArn: RoleOf111),
                .. Target(2, "c", "us-east-1", roleArn: RoleOf111),
                new("KvReplicator:Targets:1:WriteRateLimit:PermitsPerSecond", "40"),
            ]);

        TargetWriteQuotas quotas = services.GetRequiredService<TargetWriteQuotas>();

        Assert.Equal((40.0, 1, TimeSpan.FromSeconds(5)), Limit(quotas.Of("a")));
        Assert.Equal("KvReplicator:Targets:1:WriteRateLimit", quotas.Of("a").LimitKey);
        Assert.Equal((1.0, 1, TimeSpan.FromSeconds(5)), Limit(quotas.Of("c")));
    }

    [Fact]
    public void Two_targets_of_one_quota_with_different_limits_stop_the_start_with_one_line()
    {
        using ServiceProvider services = Build(
            [
                .. Target(0, "a", "eu-west-1", roleArn: RoleOf111),
                .. Target(1, "b", "eu-west-1", accountId: "111122223333"),
                new("KvReplicator:Targets:0:WriteRateLimit:PermitsPerSecond", "30"),
                new("KvReplicator:Targets:1:WriteRateLimit:PermitsPerSecond", "20"),
            ]);

        OptionsValidationException invalid = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(
            "KvReplicator:Targets:1:WriteRateLimit differs from KvReplicator:Targets:0:WriteRateLimit, yet both targets write against the quota of 111122223333/eu-west-1 and share its limit",
            invalid.Message,
            StringComparison.Ordinal);
        Assert.DoesNotContain('\n', invalid.Message);
    }

    [Fact]
    public void An_account_id_that_is_not_the_roles_account_stops_the_start_with_one_line()
    {
        using ServiceProvider services = Build(Target(0, "a", "eu-west-1", roleArn: RoleOf111, accountId: "444455556666"));

        OptionsValidationException invalid = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(
            "KvReplicator:Targets:0:AccountId 444455556666 is not the account of the role its credentials assume (111122223333)", invalid.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_single_target_is_the_default_quota_of_its_region()
    {
        using ServiceProvider services = ReplicationRoutesTests.Build(
            new Dictionary<string, string?>
            {
                ["KvReplicator:KeyVault:VaultUri"] = "https://contoso.vault.azure.net/",
                ["KvReplicator:SecretsManager:Region"] = "eu-central-1",
                ["KvReplicator:Credentials:Source"] = "WebIdentity",
                ["KvReplicator:Credentials:WebIdentity:RoleArn"] = RoleOf444,
                ["KvReplicator:Ledger:ConnectionString"] = "UseDevelopmentStorage=true",
            },
            KvReplicatorRole.Inspect);

        TargetWriteQuota single = Assert.Single(services.GetRequiredService<TargetWriteQuotas>().Targets);

        Assert.Equal("default", single.TargetId);
        Assert.Equal(new WriteQuota("444455556666", "eu-central-1"), single.Quota);
    }

    private static (double, int, TimeSpan) Limit(TargetWriteQuota target) => (target.Limit.PermitsPerSecond, target.Limit.Burst, target.Limit.MaxWait);

    private static KeyValuePair<string, string?>[] Target(int index, string id, string region, string? roleArn = null, string? accountId = null)
    {
        string key = $"KvReplicator:Targets:{index}";
        var settings = new List<KeyValuePair<string, string?>>
        {
            new($"{key}:Id", id),
            new($"{key}:SecretsManager:Region", region),
            new($"{key}:SecretsManager:ServiceUrl", "http://127.0.0.1:1/"),
            new($"{key}:AccountId", accountId),
        };
        if (roleArn is not null)
        {
            settings.Add(new($"{key}:Credentials:Source", "WebIdentity"));
            settings.Add(new($"{key}:Credentials:WebIdentity:RoleArn", roleArn));
        }

        return [.. settings];
    }

    private ServiceProvider Build(params KeyValuePair<string, string?>[][] targets) => Build([.. targets.SelectMany(target => target)]);

    /// <summary>Every target's writes reach a wire that answers each one at once, on a fake clock: one write a second, one at once, a 5 s longest wait.</summary>
    private ServiceProvider Build(KeyValuePair<string, string?>[] settings)
    {
        var all = new Dictionary<string, string?>(settings)
        {
            ["KvReplicator:KeyVault:VaultUri"] = "https://contoso.vault.azure.net/",
            ["KvReplicator:Ledger:ConnectionString"] = "UseDevelopmentStorage=true",
            ["KvReplicator:WriteRateLimit:PermitsPerSecond"] = "1",
            ["KvReplicator:WriteRateLimit:Burst"] = "1",
            ["KvReplicator:WriteRateLimit:MaxWait"] = "00:00:05",
        };
        return ReplicationRoutesTests.Build(all, KvReplicatorRole.Replicate, services =>
        {
            // A target's own credentials would ask Entra ID and STS: each signs with offline keys instead (its account is still its role's).
            foreach (string id in settings.Where(setting => setting.Key.EndsWith(":Id", StringComparison.Ordinal)).Select(setting => setting.Value!))
            {
                services.AddKeyedSingleton<ICredentialSource>(id, new AwsSdkCredentialSource(new BasicAWSCredentials("offline", "offline"), "offline"));
            }

            services.AddSingleton<TimeProvider>(_time);
            services.AddHttpClient(SecretsManagerClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => new AnsweringHandler(_sent));
        });
    }

    /// <summary>Each target by id.</summary>
    private static IReadOnlyDictionary<string, ISecretTarget> Targets(ServiceProvider services) =>
        services.GetRequiredService<ReplicationRoutes>().All.ToDictionary(route => route.TargetId!, route => route.Target);

    private sealed class AnsweringHandler(List<string> sent) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (sent)
            {
                sent.Add(SecretsManagerWriteThrottlingHandler.WriteOperation(request) ?? "read");
            }

            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent("""{"ARN":"arn:aws:secretsmanager:eu-west-1:111122223333:secret:app","Name":"app"}""", Encoding.UTF8, "application/x-amz-json-1.1"),
            });
        }
    }
}
