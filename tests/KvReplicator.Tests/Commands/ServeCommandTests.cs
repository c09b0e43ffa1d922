using System.CommandLine;
using KvReplicator.Cli;
using KvReplicator.Cli.Commands;
using KvReplicator.Testing;

namespace KvReplicator.Tests.Commands;

public sealed class ServeCommandTests
{
    [Fact]
    public async Task Missing_config_file_is_a_configuration_error_on_stderr()
    {
        (int exitCode, string stdout, string stderr) = await InvokeAsync("serve", "--config", Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "missing.json"));

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task Serve_without_the_replicator_settings_refuses_to_start_and_names_them()
    {
        SecretLeakGuard.Register("serve-cmd-key-7f3a9c2e5b8d1f4a6c0e9b2d");
        string config = Path.Combine(Path.GetTempPath(), $"kvrep-test-serve-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(config, """{ "KvReplicator": { "Serve": { "DeliveryKey": "serve-cmd-key-7f3a9c2e5b8d1f4a6c0e9b2d" } } }""");
        try
        {
            (int exitCode, _, string stderr) = await InvokeAsync("serve", "--urls", "http://127.0.0.1:0", "--config", config);

            Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
            Assert.Contains("VaultUri", stderr, StringComparison.Ordinal);
            Assert.DoesNotContain("serve-cmd-key-7f3a9c2e5b8d1f4a6c0e9b2d", stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public void Serve_parses_urls_and_config()
    {
        ParseResult result = new KvrepRootCommand().Parse(["serve", "--urls", "http://127.0.0.1:5080", "http://[::1]:5080", "--config", "kvrep.json"]);

        Assert.Empty(result.Errors);
        Assert.Equal(["http://127.0.0.1:5080", "http://[::1]:5080"], result.GetValue(ServeCommand.UrlsOption)!);
        Assert.Equal("kvrep.json", result.GetValue(ServeCommand.ConfigOption)!.Name);
    }

    [Fact]
    public void Unknown_option_is_a_parse_error()
    {
        ParseResult result = new KvrepRootCommand().Parse(["serve", "--no-such-option"]);

        Assert.NotEmpty(result.Errors);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> InvokeAsync(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exitCode = await new KvrepRootCommand().Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null });
        SecretLeakGuard.Capture("kvrep stdout", stdout.ToString());
        SecretLeakGuard.Capture("kvrep stderr", stderr.ToString());
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
