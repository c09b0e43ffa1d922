using System.CommandLine;
using System.Text.Json.Nodes;
using KvReplicator.Cli;
using KvReplicator.DevTools.Commands;
using KvReplicator.TestPlan.Values;

namespace KvReplicator.IntegrationTests.DevTools.Demo;

/// <summary>
/// <c>kvrep-dev demo</c> as a user runs it: parsed and invoked in-process, starting its own moto, Azurite, local Key
/// Vault, Event Grid and serve, and reporting one JSON object.
/// </summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task The_demo_replicates_every_version_once_and_prints_no_value()
    {
        const int Seed = 20261123;
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exitCode = await new KvrepDevRootCommand()
            .Parse(["demo", "--secrets", "3", "--max-versions", "2", "--seed", Seed.ToString(System.Globalization.CultureInfo.InvariantCulture), "--duplicates", "0.5", "--json"])
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null });

        Assert.True(exitCode == ExitCodes.Success, $"exit {exitCode}: {stderr}");
        JsonObject report = JsonNode.Parse(stdout.ToString())!.AsObject();
        int written = (int)report["versionsWritten"]!;
        Assert.InRange(written, 3, 6);
        Assert.Equal(written, (int)report["replicated"]!);
        Assert.Equal(0, (int)report["lost"]!);
        Assert.Equal(0, (int)report["duplicateAwsVersions"]!);
        Assert.Equal(0, (int)report["currentMismatches"]!);
        Assert.Equal(0, (int)report["valueMismatches"]!);
        Assert.True((double)report["lagMaxMs"]! >= (double)report["lagP95Ms"]!);
        Assert.True((double)report["lagP95Ms"]! >= (double)report["lagP50Ms"]!);

        // The seed reproduces the values the demo wrote; none may appear in what it printed.
        string printed = stdout.ToString() + stderr;
        Assert.All(SeededValues(Seed, secrets: 3, maxVersions: 2).Where(v => v.Length >= 8), value => Assert.DoesNotContain(value, printed, StringComparison.Ordinal));
    }

    /// <summary>The values <c>ReplicationScenario</c> draws for a seed, in its order (version count, then values, per secret).</summary>
    private static IEnumerable<string> SeededValues(int seed, int secrets, int maxVersions)
    {
        var random = new Random(seed);
        var generator = new SecretValueGenerator(random);
        var values = new List<string>();
        for (int i = 0; i < secrets; i++)
        {
            int versions = random.Next(1, maxVersions + 1);
            values.AddRange(Enumerable.Range(0, versions).Select(_ => generator.Next().Value.Reveal()));
        }

        return values;
    }
}
