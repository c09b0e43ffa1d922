using System.CommandLine;
using KvReplicator.Cli;
using KvReplicator.Cli.Commands;

namespace KvReplicator.Tests.Commands;

/// <summary><c>kvrep sync</c> and <c>kvrep verify</c>: parsing and configuration errors (their runs are integration tests).</summary>
public sealed class ReconcileCommandsTests
{
    [Fact]
    public void Sync_parses_its_options()
    {
        ParseResult result = new KvrepRootCommand().Parse(["sync", "--dry-run", "--adopt", "--json", "--config", "kvrep.json"]);

        Assert.Empty(result.Errors);
        Assert.True(result.GetValue(SyncCommand.DryRunOption));
        Assert.True(result.GetValue(SyncCommand.AdoptOption));
        Assert.True(result.GetValue(SyncCommand.JsonOption));
        Assert.Equal("kvrep.json", result.GetValue(SyncCommand.ConfigOption)!.Name);
    }

    [Fact]
    public void Verify_parses_json_and_config_and_has_no_write_options()
    {
        Assert.Empty(new KvrepRootCommand().Parse(["verify", "--json", "--config", "kvrep.json"]).Errors);
        Assert.NotEmpty(new KvrepRootCommand().Parse(["verify", "--adopt"]).Errors);
    }

    [Theory]
    [InlineData("sync")]
    [InlineData("verify")]
    public async Task A_missing_config_file_is_a_configuration_error(string verb)
    {
        (int exitCode, string stdout, string stderr) = await InvokeAsync(verb, "--config", Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "missing.json"));

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        Assert.Contains($"kvrep {verb}: configuration file", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task Invalid_settings_are_all_reported_by_name_before_any_call()
    {
        string config = Path.Combine(Path.GetTempPath(), $"kvrep-test-sync-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, """{ "KvReplicator": { "Reconcile": { "MaxWritesPerSecond": 500, "RecoveryWindowInDays": 3 } } }""");
        try
        {
            (int exitCode, string stdout, string stderr) = await InvokeAsync("sync", "--config", config);

            Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
            Assert.Contains("KvReplicator:Reconcile:MaxWritesPerSecond must be between 1 and 50", stderr, StringComparison.Ordinal);
            Assert.Contains("KvReplicator:Reconcile:RecoveryWindowInDays must be between 7 and 30", stderr, StringComparison.Ordinal);
            Assert.Contains("VaultUri", stderr, StringComparison.Ordinal);
            Assert.Empty(stdout);
        }
        finally
        {
            File.Delete(config);
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> InvokeAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exitCode = await new KvrepRootCommand().Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null });
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
