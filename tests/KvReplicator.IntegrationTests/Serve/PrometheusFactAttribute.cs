namespace KvReplicator.IntegrationTests.Serve;

/// <summary>
/// A test that needs a Prometheus server: skipped, with the reason, on a developer's machine without one; run (and
/// failing, naming the missing binary) on CI, where scripts/test.sh installs it, so it can never be skipped there.
/// </summary>
public sealed class PrometheusFactAttribute : FactAttribute
{
    public PrometheusFactAttribute()
    {
        if (PrometheusServer.Executable is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Skip = $"prometheus is not installed: scripts/test.sh installs Debian's package (apt-get install prometheus), or set {PrometheusServer.OverrideVariable}";
        }
    }
}
