using KvReplicator.Cli.Serve;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;

namespace KvReplicator.IntegrationTests.Serve;

/// <summary>
/// <c>kvrep serve</c> as deployed locally (the local cloud's Event Grid delivering to it over HTTP, web-identity
/// credentials from moto's STS), scraped by a real Prometheus server: after a replicated delivery, the series the
/// dashboards and alerts query (deploy/grafana, the chart's PrometheusRule) are there, under the names they use.
/// </summary>
public sealed class PrometheusScrapeTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(60);

    [PrometheusFact]
    public async Task Prometheus_scrapes_the_replicated_version_its_lag_and_the_remote_calls_from_serve()
    {
        await using LocalDeployment deployment = await LocalDeployment.StartAsync(new LocalDeploymentOptions
        {
            Moto = await SharedEmulators.MotoAsync(),
            Azurite = await SharedEmulators.AzuriteAsync(),
            TargetPrefix = SharedEmulators.UniqueName("scraped") + "/",
        });
        string name = SharedEmulators.UniqueName("scraped");
        var vault = deployment.Cloud.CreateSecretClient();
        string version = (await vault.SetSecretAsync(name, SecretLeakGuard.Register("scraped-value-" + Guid.NewGuid()))).Value.Properties.Version;
        await deployment.Cloud.WhenDeliveredAsync().WaitAsync(s_patience);

        // The delivery replicated the version, so what follows is about a real write.
        using var http = new HttpClient();
        SecretsManagerClient aws = deployment.Cloud.CreateSecretsManagerClient(http);
        DescribeSecretResponse described = await aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = deployment.TargetPrefix + name });
        Assert.Contains(version, described.VersionIdsToStages!.Keys);

        await using PrometheusServer prometheus = await PrometheusServer.StartAsync(new Uri(deployment.ServeUrl, ServeTelemetry.MetricsPath));
        IReadOnlyList<PrometheusSample> replicated = await prometheus.QueryUntilPresentAsync("kvrep_versions_total{kvrep_outcome=\"replicated\"}", s_patience);
        Assert.True(replicated.Count > 0, "no kvrep_versions_total{kvrep_outcome=\"replicated\"} series; targets: " + await prometheus.TargetsAsync());

        Assert.Contains(replicated, series => series.Value >= 1 && series.Labels["job"] == "kvrep" && series.Labels.ContainsKey("kvrep_reason"));
        Assert.Contains(await prometheus.QueryAsync("kvrep_deliveries_total{kvrep_disposition=\"ok\"}"), series => series.Value >= 1);
        Assert.Contains(await prometheus.QueryAsync("kvrep_replication_lag_seconds_count"), series => series.Value >= 1);
        Assert.Contains(await prometheus.QueryAsync("kvrep_replication_lag_seconds_sum"), series => series.Value >= 0);
        Assert.Contains(await prometheus.QueryAsync("kvrep_replication_lag_seconds_bucket{le=\"+Inf\"}"), series => series.Value >= 1);
        Assert.Contains(await prometheus.QueryAsync("kvrep_handler_duration_seconds_count"), series => series.Value >= 1);
        Assert.Contains(
            await prometheus.QueryAsync("kvrep_write_rate_limit_wait_seconds_count{kvrep_result=\"ok\"}"),
            series => series.Value >= 1 && series.Labels.ContainsKey("kvrep_quota"));

        // The lag p95 alert's expression evaluates (deploy/helm/kvreplicator/templates/prometheusrule.yaml).
        Assert.NotEmpty(await prometheus.QueryAsync("histogram_quantile(0.95, sum by (le) (kvrep_replication_lag_seconds_bucket))"));

        IReadOnlyList<PrometheusSample> calls = await prometheus.QueryAsync("sum by (kvrep_service, kvrep_operation, kvrep_result) (kvrep_remote_call_duration_seconds_count)");
        string[] services = [.. calls.Select(series => series.Labels["kvrep_service"]).Distinct().Order(StringComparer.Ordinal)];
        Assert.Superset(new HashSet<string>(["blob", "keyvault", "secretsmanager", "sts"]), new HashSet<string>(services));
        Assert.Contains(calls, series => series.Labels["kvrep_service"] == "secretsmanager" && series.Labels["kvrep_operation"] == "CreateSecret" && series.Labels["kvrep_result"] == "ok");
        Assert.Contains(calls, series => series.Labels["kvrep_service"] == "sts" && series.Labels["kvrep_operation"] == "AssumeRoleWithWebIdentity");
        Assert.NotEmpty(await prometheus.QueryAsync("kvrep_remote_call_duration_seconds_bucket{kvrep_service=\"keyvault\"}"));

        // The ASP.NET Core instrumentation is exported beside the replicator's.
        Assert.NotEmpty(await prometheus.QueryAsync("http_server_request_duration_seconds_count"));
    }
}
