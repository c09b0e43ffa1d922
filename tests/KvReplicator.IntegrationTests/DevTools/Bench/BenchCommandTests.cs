using System.CommandLine;
using System.Text.Json;
using KvReplicator.Cli;
using KvReplicator.DevTools.Commands;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Emulators;

namespace KvReplicator.IntegrationTests.DevTools.Bench;

/// <summary>
/// The CI smoke run of <c>kvrep-dev bench</c>: it runs end to end on the shared emulators and its counts add
/// up. Times are printed, never asserted.
/// </summary>
public sealed class BenchCommandTests
{
    [Theory]
    [InlineData("eventgrid", "direct")]
    [InlineData("cloudevents", "direct")]
    [InlineData("eventgrid", "http")]
    public async Task A_small_run_replicates_every_version_once_and_costs_one_secrets_manager_call_per_steady_state_version(string schema, string delivery)
    {
        (int exitCode, string stdout, string stderr) = await InvokeAsync(
            "bench", "--secrets", "5", "--versions", "2", "--duplicate-rate", "0.5", "--concurrency", "4", "--schema", schema, "--delivery", delivery, "--json");

        Assert.True(exitCode == ExitCodes.Success, stderr);
        using JsonDocument report = JsonDocument.Parse(stdout);
        JsonElement root = report.RootElement;
        JsonElement verification = root.GetProperty("verification");
        Assert.Equal(10, verification.GetProperty("writtenVersions").GetInt32());
        Assert.Equal(10, verification.GetProperty("replicatedVersions").GetInt32());
        Assert.Equal(0, verification.GetProperty("missingVersions").GetInt32());
        Assert.Equal(0, verification.GetProperty("extraAwsVersions").GetInt32());
        Assert.Equal(0, verification.GetProperty("wrongCurrentVersions").GetInt32());

        Assert.StartsWith(delivery + ":", root.GetProperty("delivery").GetString(), StringComparison.Ordinal);
        JsonElement[] phases = [.. root.GetProperty("phases").EnumerateArray()];
        Assert.Equal(["cold", "first-versions", "steady"], phases.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(10, phases.Sum(p => p.GetProperty("newVersions").GetInt32()));
        Assert.All(phases, p => Assert.Equal(0, p.GetProperty("failures").GetInt32()));

        JsonElement steady = phases[2];
        Assert.Equal(5, steady.GetProperty("newVersions").GetInt32());
        Assert.True(steady.GetProperty("duplicates").GetInt32() + steady.GetProperty("inFlightRedeliveries").GetInt32() > 0, "seed 1 at rate 0.5 duplicates some of the five events");
        Assert.InRange(steady.GetProperty("callsPerNewVersion").GetProperty("SecretsManager").GetDouble(), 0.0, 1.0);
        Assert.Equal(0.0, steady.GetProperty("callsPerDuplicate").GetProperty("SecretsManager").GetDouble());
        Assert.Equal(0.0, steady.GetProperty("callsPerNewVersion").GetProperty("KeyVaultToken").GetDouble());
        Assert.Equal(
            steady.GetProperty("deliveries").GetInt32(),
            steady.GetProperty("newVersions").GetInt32() + steady.GetProperty("duplicates").GetInt32() + steady.GetProperty("inFlightRedeliveries").GetInt32() + steady.GetProperty("transientFailures").GetInt32());
    }

    /// <summary>
    /// Issue 15's bounds, on a fresh replicator per pattern (a new container, or a new <c>kvrep serve</c> process
    /// counted on the wire): Secrets Manager at most 1 call per version (0 per duplicate: the triplicated pattern
    /// stays at 1), Key Vault at most 1.2 reads, Blob at most 3 calls, all three together at most 5, and at most 5 %
    /// of duplicates answered "retry later". What a fresh process pays once (one token; 401 challenges of its first
    /// requests in flight) is bounded on its own. Counts only: no time is asserted.
    /// </summary>
    [Theory]
    [InlineData("direct")]
    [InlineData("process")]
    public async Task Every_delivery_pattern_on_a_fresh_replicator_stays_within_the_call_bounds_per_version(string delivery)
    {
        const int secrets = 4, versions = 3, concurrency = 4;
        (int exitCode, string stdout, string stderr) = await InvokeAsync(
            "bench", "--pattern", "all", "--secrets", $"{secrets}", "--versions", $"{versions}", "--concurrency", $"{concurrency}", "--delivery", delivery, "--json");

        Assert.True(exitCode == ExitCodes.Success, stderr);
        using JsonDocument report = JsonDocument.Parse(stdout);
        JsonElement verification = report.RootElement.GetProperty("verification");
        Assert.Equal(5 * secrets * versions, verification.GetProperty("replicatedVersions").GetInt32());
        Assert.Equal(0, verification.GetProperty("missingVersions").GetInt32() + verification.GetProperty("extraAwsVersions").GetInt32() + verification.GetProperty("wrongCurrentVersions").GetInt32());

        JsonElement[] phases = [.. report.RootElement.GetProperty("phases").EnumerateArray()];
        Assert.Equal(["as-created", "created-first", "newest-first", "triplicate", "shuffled"], phases.Select(p => p.GetProperty("name").GetString()));
        foreach (JsonElement phase in phases)
        {
            string name = phase.GetProperty("name").GetString()!;
            Assert.Equal(0, phase.GetProperty("failures").GetInt32());
            Assert.Equal(secrets * versions, phase.GetProperty("versionsCreated").GetInt32());
            Dictionary<string, double> perVersion = phase.GetProperty("callsPerVersion").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetDouble());
            double challenges = perVersion.Where(p => p.Key.EndsWith("(401 challenge)", StringComparison.Ordinal)).Sum(p => p.Value);
            double keyVault = perVersion["KeyVault"] - challenges;
            double blob = perVersion["Blob"];
            double secretsManager = perVersion["SecretsManager"];
            string figures = $"{name}: KV {keyVault:0.00} (+{challenges:0.00} challenges), Blob {blob:0.00}, SM {secretsManager:0.00}; {string.Join(", ", perVersion.Select(p => $"{p.Key}={p.Value}"))}";

            Assert.True(secretsManager <= 1.0, figures);
            Assert.True(keyVault <= 1.2, figures);
            Assert.True(blob <= 3.0, figures);
            Assert.True(keyVault + blob + secretsManager <= 5.0, figures);
            Assert.True(challenges * secrets * versions <= concurrency, figures);
            Assert.True(perVersion["KeyVaultToken"] * secrets * versions <= 1.0 + 1e-9, figures);
        }

        // The replicator's CPU is its own process's in process delivery, and not reported in direct delivery.
        Assert.All(phases, p => Assert.Equal(delivery == "process", p.TryGetProperty("replicatorCpuSeconds", out JsonElement cpu) && cpu.ValueKind == JsonValueKind.Number));

        JsonElement triplicate = phases[3];
        Assert.Equal(2 * secrets * versions, triplicate.GetProperty("duplicateDeliveries").GetInt32());
        Assert.InRange(triplicate.GetProperty("retryLaterShareOfDuplicates").GetDouble(), 0.0, 0.05);
    }

    [Fact]
    public async Task A_cold_start_is_timed_from_the_process_start_through_readiness_to_the_first_version()
    {
        (int exitCode, string stdout, string stderr) = await InvokeAsync("bench", "--pattern", "cold-start", "--delivery", "process", "--count-calls", "false", "--json");

        Assert.True(exitCode == ExitCodes.Success, stderr);
        using JsonDocument report = JsonDocument.Parse(stdout);
        JsonElement phase = Assert.Single(report.RootElement.GetProperty("phases").EnumerateArray());
        Assert.Equal(1, phase.GetProperty("acknowledgedDeliveries").GetInt32());
        JsonElement coldStart = phase.GetProperty("coldStart");
        Assert.True(coldStart.GetProperty("readyMs").GetDouble() > 0);
        Assert.True(coldStart.GetProperty("firstVersionMs").GetDouble() > coldStart.GetProperty("readyMs").GetDouble());
        Assert.Equal(1, report.RootElement.GetProperty("verification").GetProperty("replicatedVersions").GetInt32());
    }

    [Fact]
    public async Task The_table_names_every_service_and_the_check_of_what_reached_aws()
    {
        (int exitCode, string stdout, string stderr) = await InvokeAsync("bench", "--secrets", "2", "--versions", "2", "--shuffle", "false", "--rotation-rounds", "--profile");

        Assert.True(exitCode == ExitCodes.Success, stderr);
        Assert.Contains("Key Vault calls per new version", stdout, StringComparison.Ordinal);
        Assert.Contains("Blob calls per new version", stdout, StringComparison.Ordinal);
        Assert.Contains("PutSecretValue", stdout, StringComparison.Ordinal);
        Assert.Contains("profile: connections opened KV/Blob/SM", stdout, StringComparison.Ordinal);
        Assert.Contains("4 of 4 Key Vault versions, 0 missing, 0 extra, 0 with the wrong AWSCURRENT: consistent", stdout, StringComparison.Ordinal);
        Assert.Contains("phase steady, round 1", stderr, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand { new BenchCommand(async ct => await LocalCloudEnvironment.StartAsync(moto: await SharedEmulators.MotoAsync(), azurite: await SharedEmulators.AzuriteAsync(), cancellationToken: ct)) };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null });
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
