using System.CommandLine;
using KvReplicator.Cli;
using KvReplicator.DevTools.Commands;
using KvReplicator.Testing;

namespace KvReplicator.Tests.DevTools.Commands;

public sealed class ChaosCommandTests
{
    [Fact]
    public void Chaos_parses_its_settings()
    {
        ParseResult result = new KvrepDevRootCommand().Parse(["chaos", "--versions", "5000", "--secrets", "50", "--seed", "7", "--fault-rate", "0.1", "--crash-rate", "0.2", "--json"]);

        Assert.Empty(result.Errors);
        Assert.Equal(5000, result.GetValue(ChaosCommand.VersionsOption));
        Assert.Equal(50, result.GetValue(ChaosCommand.SecretsOption));
        Assert.Equal(7, result.GetValue(ChaosCommand.SeedOption));
        Assert.Equal(0.1, result.GetValue(ChaosCommand.FaultRateOption));
        Assert.Equal(0.2, result.GetValue(ChaosCommand.CrashRateOption));
        Assert.True(result.GetValue(ChaosCommand.JsonOption));
    }

    [Fact]
    public void Chaos_defaults_to_the_ci_sized_run()
    {
        ParseResult result = new KvrepDevRootCommand().Parse(["chaos"]);

        Assert.Empty(result.Errors);
        Assert.Equal(200, result.GetValue(ChaosCommand.VersionsOption));
        Assert.Equal(10, result.GetValue(ChaosCommand.SecretsOption));
    }

    [Theory]
    [InlineData("--versions", "0", "--versions")]
    [InlineData("--fault-rate", "0.9", "fault rate")]
    public async Task Out_of_range_settings_are_a_configuration_error_before_anything_starts(string option, string value, string named)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exitCode = await new KvrepDevRootCommand().Parse(["chaos", option, value])
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null });

        SecretLeakGuard.Capture("kvrep stdout", stdout.ToString());
        SecretLeakGuard.Capture("kvrep stderr", stderr.ToString());
        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        Assert.Contains(named, stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("starting moto", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(stdout.ToString());
    }
}
