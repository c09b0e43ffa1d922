using System.Globalization;
using System.Text.Json;
using KvReplicator.LocalCloud.Emulators;

namespace KvReplicator.IntegrationTests.Serve;

/// <summary>
/// A real Prometheus server (Debian's <c>prometheus</c> package, which scripts/test.sh installs) on a free loopback
/// port, scraping one target every second, with its data in a temp folder of its own; killed and its folder
/// removed on dispose. Queries go through its HTTP API, as a dashboard's would.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    /// <summary>Names the binary when it is not <c>prometheus</c> on PATH.</summary>
    public const string OverrideVariable = "KVREP_PROMETHEUS";

    private readonly EmulatorProcess _process;
    private readonly DirectoryInfo _directory;
    private readonly HttpClient _http;

    private PrometheusServer(EmulatorProcess process, DirectoryInfo directory)
    {
        _process = process;
        _directory = directory;
        _http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{process.Port}/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    /// <summary>The binary, or null when it is not installed.</summary>
    public static string? Executable => ExecutableLocator.Find(OverrideVariable, "prometheus");

    /// <summary>Starts Prometheus scraping <paramref name="metricsEndpoint"/> (an http://127.0.0.1:port/path address).</summary>
    public static async Task<PrometheusServer> StartAsync(Uri metricsEndpoint, CancellationToken cancellationToken = default)
    {
        string executable = Executable ?? throw new InvalidOperationException(
            $"prometheus is not installed (apt-get install prometheus, or set {OverrideVariable}); scripts/test.sh installs it");
        DirectoryInfo directory = Directory.CreateTempSubdirectory("kvrep-test-prometheus-");
        try
        {
            string config = Path.Combine(directory.FullName, "prometheus.yml");
            await File.WriteAllTextAsync(config, $"""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: kvrep
                    metrics_path: {metricsEndpoint.AbsolutePath}
                    static_configs:
                      - targets: ["{metricsEndpoint.Authority}"]
                """, cancellationToken);
            int port = FreePort.Next();
            EmulatorProcess process = await EmulatorProcess.StartAsync(
                "prometheus",
                executable,
                [
                    $"--config.file={config}",
                    $"--storage.tsdb.path={Path.Combine(directory.FullName, "data")}",
                    $"--web.listen-address=127.0.0.1:{port}",
                    "--log.level=warn",
                ],
                port,
                cancellationToken: cancellationToken);
            var server = new PrometheusServer(process, directory);
            try
            {
                await server.WaitUntilReadyAsync(cancellationToken);
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            return server;
        }
        catch
        {
            directory.Delete(recursive: true);
            throw;
        }
    }

    /// <summary>
    /// Prometheus listens before it serves: its API answers 503 until the storage is open (/-/ready says when).
    /// </summary>
    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            while (true)
            {
                using HttpResponseMessage ready = await _http.GetAsync("-/ready", deadline.Token);
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("prometheus did not become ready within 60 s:" + Environment.NewLine + _process.OutputTail());
        }
    }

    /// <summary>
    /// Runs an instant query until it returns a series (Prometheus needs a scrape or two after start), and returns
    /// the series' labels and values; empty when none appeared within <paramref name="patience"/>.
    /// </summary>
    public async Task<IReadOnlyList<PrometheusSample>> QueryUntilPresentAsync(string query, TimeSpan patience, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(patience);
        try
        {
            while (true)
            {
                IReadOnlyList<PrometheusSample> samples = await QueryAsync(query, deadline.Token);
                if (samples.Count > 0)
                {
                    return samples;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(500), deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return [];
        }
    }

    public async Task<IReadOnlyList<PrometheusSample>> QueryAsync(string query, CancellationToken cancellationToken = default)
    {
        using HttpResponseMessage response = await _http.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(query), cancellationToken);
        string body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"Prometheus answered {(int)response.StatusCode} to {query}: {body}");
        using JsonDocument document = JsonDocument.Parse(body);
        return [.. document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray().Select(series => new PrometheusSample(
            series.GetProperty("metric").EnumerateObject().ToDictionary(label => label.Name, label => label.Value.GetString() ?? string.Empty, StringComparer.Ordinal),
            double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }

    /// <summary>The scrape target's health and last error as Prometheus reports them, for failure messages.</summary>
    public async Task<string> TargetsAsync(CancellationToken cancellationToken = default) =>
        await _http.GetStringAsync("api/v1/targets", cancellationToken) + Environment.NewLine + _process.OutputTail();

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        await _process.DisposeAsync();
        _directory.Delete(recursive: true);
    }
}

/// <summary>One series of an instant query's answer.</summary>
internal sealed record PrometheusSample(IReadOnlyDictionary<string, string> Labels, double Value);
