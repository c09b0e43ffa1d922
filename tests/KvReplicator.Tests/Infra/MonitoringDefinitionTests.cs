using System.Text.Json;
using System.Text.RegularExpressions;

namespace KvReplicator.Tests.Infra;

/// <summary>
/// The alerts and dashboards as code (infra/monitoring, deploy/grafana, the chart's PrometheusRule) parse, and
/// every metric they query is one the replicator emits: a renamed instrument must fail here, not leave a
/// dashboard empty and an alert silent in production.
/// </summary>
public sealed partial class MonitoringDefinitionTests
{
    /// <summary>
    /// The replicator's telemetry (issue 12; Meter "KvReplicator"): the one list these tests know. Prometheus
    /// names follow from it the way the OpenTelemetry Prometheus exporter derives them.
    /// </summary>
    private static readonly Instrument[] s_instruments =
    [
        new("kvrep.deliveries", InstrumentKind.Counter),
        new("kvrep.versions", InstrumentKind.Counter),
        new("kvrep.dead_letters", InstrumentKind.Counter),
        new("kvrep.notifications.failed", InstrumentKind.Counter),
        new("kvrep.replication.lag", InstrumentKind.SecondsHistogram),
        new("kvrep.handler.duration", InstrumentKind.SecondsHistogram),
        new("kvrep.remote_call.duration", InstrumentKind.SecondsHistogram),
        new("kvrep.write_rate_limit.wait", InstrumentKind.SecondsHistogram),
    ];

    private static readonly string[] s_tags = ["kvrep.disposition", "kvrep.outcome", "kvrep.reason", "kvrep.service", "kvrep.operation", "kvrep.result", "kvrep.target", "kvrep.quota"];

    private static readonly string s_monitoringDirectory = Path.Combine(RepositoryLayout.InfraDirectory, "monitoring");
    private static readonly string s_workbookPath = Path.Combine(s_monitoringDirectory, "kvreplicator.workbook.json.tftpl");
    private static readonly string s_grafanaPath = Path.Combine(RepositoryLayout.Root, "deploy", "grafana", "kvreplicator.json");
    private static readonly string s_prometheusRulePath = Path.Combine(RepositoryLayout.Root, "deploy", "helm", "kvreplicator", "templates", "prometheusrule.yaml");

    /// <summary>The alerts issue 12 asks for, on both paths.</summary>
    private static readonly string[] s_alerts = ["dead-letters", "failure-rate", "lag-p95", "no-replication"];

    private enum InstrumentKind
    {
        Counter,
        SecondsHistogram,
    }

    /// <summary>Names an Azure Monitor query (AppMetrics: Name and Properties keys) may use.</summary>
    private static IEnumerable<string> AzureNames => s_instruments.Select(i => i.Name).Concat(s_tags);

    /// <summary>Series and label names a PromQL query may use.</summary>
    private static IEnumerable<string> PrometheusNames => s_instruments.SelectMany(i => i.PrometheusSeries).Concat(s_tags.Select(t => t.Replace('.', '_')));

    public static TheoryData<string> AzureQueryFiles()
    {
        var data = new TheoryData<string>();
        foreach (string path in Directory.EnumerateFiles(s_monitoringDirectory, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetRelativePath(RepositoryLayout.Root, path));
        }

        return data;
    }

    public static TheoryData<string> PrometheusQueryFiles() =>
        [Path.GetRelativePath(RepositoryLayout.Root, s_grafanaPath), Path.GetRelativePath(RepositoryLayout.Root, s_prometheusRulePath)];

    [Theory]
    [MemberData(nameof(AzureQueryFiles))]
    public void Azure_queries_name_only_the_replicators_instruments_and_tags(string file)
    {
        string text = File.ReadAllText(Path.Combine(RepositoryLayout.Root, file));
        string[] named = AzureName().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToArray();

        Assert.NotEmpty(named);
        Assert.All(named, name => Assert.True(AzureNames.Contains(name), $"{file} queries '{name}', which the replicator does not emit"));
        // A misspelt prefix (kvrep_deliveries in KQL, kvrep-deliveries) would escape the check above.
        Assert.DoesNotMatch(PrometheusName(), text);
    }

    [Theory]
    [MemberData(nameof(PrometheusQueryFiles))]
    public void Prometheus_queries_name_only_the_replicators_series_and_labels(string file)
    {
        string text = File.ReadAllText(Path.Combine(RepositoryLayout.Root, file));
        string[] named = PrometheusName().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToArray();

        Assert.NotEmpty(named);
        Assert.All(named, name => Assert.True(PrometheusNames.Contains(name), $"{file} queries '{name}', which the replicator's Prometheus endpoint does not serve"));
        Assert.DoesNotMatch(AzureName(), text);
    }

    [Fact]
    public void Every_alert_exists_as_a_log_query_and_as_a_Prometheus_rule()
    {
        string alertsTf = File.ReadAllText(Path.Combine(RepositoryLayout.InfraDirectory, "monitoring_alerts.tf"));
        string[] queryFiles = Directory.EnumerateFiles(Path.Combine(s_monitoringDirectory, "alerts"), "*.kql").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal).ToArray()!;
        string[] rules = AlertRule().Matches(File.ReadAllText(s_prometheusRulePath)).Select(m => m.Groups["name"].Value).ToArray();

        Assert.Equal(s_alerts, queryFiles);
        foreach (string alert in s_alerts)
        {
            // monitoring_alerts.tf reads monitoring/alerts/<key>.kql for each key of its log_alerts map.
            Assert.Matches($@"(?m)^\s+{Regex.Escape(alert)} = \{{", alertsTf);
        }

        Assert.Equal(["KvReplicatorDeadLetter", "KvReplicatorFailureRate", "KvReplicatorLagP95", "KvReplicatorNoReplication"], rules);
    }

    [Fact]
    public void No_query_is_written_inline_in_the_module_and_its_texts_name_real_metrics()
    {
        foreach (string path in RepositoryLayout.TofuFiles())
        {
            string text = File.ReadAllText(path);
            // A query inline in HCL would escape the checks of the query files.
            Assert.DoesNotContain("AppMetrics", text, StringComparison.Ordinal);
            // Descriptions (variables, alerts) that name an instrument name a real one.
            Assert.All(AzureName().Matches(text).Select(m => m.Value), name => Assert.True(AzureNames.Contains(name), $"{Path.GetFileName(path)} names '{name}'"));
        }
    }

    [Fact]
    public void The_workbook_is_a_workbook_whose_every_query_targets_the_deployment_workspace()
    {
        using JsonDocument workbook = JsonDocument.Parse(File.ReadAllText(s_workbookPath));
        JsonElement root = workbook.RootElement;

        Assert.Equal("Notebook/1.0", root.GetProperty("version").GetString());
        JsonElement[] queries = root.GetProperty("items").EnumerateArray().Where(i => i.GetProperty("type").GetInt32() == 3).Select(i => i.GetProperty("content")).ToArray();
        Assert.NotEmpty(queries);
        foreach (JsonElement query in queries)
        {
            Assert.Equal("KqlItem/1.0", query.GetProperty("version").GetString());
            Assert.False(string.IsNullOrWhiteSpace(query.GetProperty("query").GetString()));
            Assert.Equal(["${workspace_id}"], query.GetProperty("crossComponentResources").EnumerateArray().Select(r => r.GetString()));
        }

        // Every instrument has a place on the dashboard.
        string[] texts = queries.Select(q => q.GetProperty("query").GetString()!).ToArray();
        Assert.All(s_instruments, instrument => Assert.Contains(texts, text => text.Contains($"\"{instrument.Name}\"", StringComparison.Ordinal)));
    }

    [Fact]
    public void The_Grafana_dashboard_imports_with_a_Prometheus_data_source_and_charts_every_instrument()
    {
        using JsonDocument dashboard = JsonDocument.Parse(File.ReadAllText(s_grafanaPath));
        JsonElement root = dashboard.RootElement;

        Assert.Equal("kvreplicator", root.GetProperty("uid").GetString());
        JsonElement input = Assert.Single(root.GetProperty("__inputs").EnumerateArray());
        Assert.Equal("prometheus", input.GetProperty("pluginId").GetString());
        JsonElement[] panels = root.GetProperty("panels").EnumerateArray().ToArray();
        Assert.Equal(panels.Length, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        string[] expressions = panels
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!)
            .ToArray();
        Assert.All(panels, p => Assert.Equal("${DS_PROMETHEUS}", p.GetProperty("datasource").GetProperty("uid").GetString()));
        Assert.All(s_instruments, instrument =>
            Assert.Contains(expressions, e => instrument.PrometheusSeries.Any(series => Regex.IsMatch(e, $@"\b{series}\b"))));
    }

    [Fact]
    public void The_name_checks_catch_a_misspelt_metric()
    {
        Assert.DoesNotContain("kvrep.delivery", AzureNames);
        Assert.DoesNotContain("kvrep_replication_lag_bucket", PrometheusNames);
        Assert.Contains("kvrep_replication_lag_seconds_bucket", PrometheusNames);
        Assert.Contains("kvrep_deliveries_total", PrometheusNames);
        Assert.Equal(["kvrep.deliveries"], AzureName().Matches("| where Name == \"kvrep.deliveries\"").Select(m => m.Value));
        Assert.Equal(["kvrep_dead_letters_total"], PrometheusName().Matches("increase(kvrep_dead_letters_total[15m])").Select(m => m.Value));
    }

    // Both alphabets include '-': a hyphenated spelling is caught as an unknown name instead of slipping past.
    [GeneratedRegex(@"kvrep\.[a-z0-9_.\-]*[a-z0-9_]")]
    private static partial Regex AzureName();

    [GeneratedRegex(@"kvrep_[a-z0-9_]+")]
    private static partial Regex PrometheusName();

    [GeneratedRegex(@"- alert: (?<name>\S+)")]
    private static partial Regex AlertRule();

    private sealed record Instrument(string Name, InstrumentKind Kind)
    {
        public IEnumerable<string> PrometheusSeries
        {
            get
            {
                string stem = Name.Replace('.', '_');
                return Kind == InstrumentKind.Counter
                    ? [stem + "_total"]
                    : [stem + "_seconds_bucket", stem + "_seconds_sum", stem + "_seconds_count"];
            }
        }
    }
}
