using System.CommandLine;
using Amazon.Runtime;
using Azure.Core;
using KvReplicator.Cli;
using KvReplicator.Cli.Commands;
using KvReplicator.Credentials;
using KvReplicator.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.Tests.Commands;

/// <summary>
/// Every verb's expected failures that need no cloud: one line on stderr, the documented exit code, and no stack
/// trace. (Unreachable stores, refusals and Ctrl-C on a real process are integration tests: Cli/PoliteCliTests.)
/// </summary>
public sealed class ExpectedFailureTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("kvrep-test-cli-").FullName;

    public static TheoryData<string> Verbs => ["verify", "sync", "status", "replay", "serve"];

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task A_malformed_configuration_file_is_named_with_its_line_and_position(string verb)
    {
        string config = Write("kvrep.json", "{\n  \"KvReplicator\": {\n    \"KeyVault\": { \"VaultUri\": \"https://contoso.vault.azure.net/\" hunter2 }\n  }\n}");

        (int exitCode, _, string stderr) = await InvokeAsync(verb, config);

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        AssertOneLine($"kvrep {verb}: configuration file '{config}' is not valid JSON at line 3, position ", stderr);
        Assert.DoesNotContain("hunter2", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task A_setting_of_the_wrong_type_is_named_without_its_value(string verb)
    {
        string config = Write("kvrep.json", """
            {
              "KvReplicator": {
                "KeyVault": { "VaultUri": "https://contoso.vault.azure.net/" },
                "Ledger": { "ConnectionString": "UseDevelopmentStorage=true" },
                "SecretsManager": { "Region": "eu-west-1" },
                "Serve": { "DeliveryKey": "0123456789abcdef0123456789abcdef" },
                "Reconcile": { "MaxConcurrency": "four" }
              }
            }
            """);

        (int exitCode, _, string stderr) = await InvokeAsync(verb, config);

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        AssertOneLine($"kvrep {verb}: KvReplicator:Reconcile:MaxConcurrency is not a valid whole number.", stderr);
        Assert.DoesNotContain("four", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task A_missing_configuration_file_is_one_line(string verb)
    {
        string missing = Path.Combine(_folder, "missing.json");

        (int exitCode, _, string stderr) = await InvokeAsync(verb, missing);

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        AssertOneLine($"kvrep {verb}: configuration file '{missing}' does not exist.", stderr);
    }

    [Fact]
    public async Task A_duplicate_key_names_the_key()
    {
        string config = Write("kvrep.json", """{ "KvReplicator": { "SecretsManager": { "Region": "eu-west-1", "Region": "eu-west-2" } } }""");

        (int exitCode, _, string stderr) = await InvokeAsync("verify", config);

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        AssertOneLine($"kvrep verify: configuration file '{config}' cannot be used: ", stderr);
        Assert.Contains("KvReplicator:SecretsManager:Region", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Verbs))]
    public async Task A_target_id_used_twice_stops_the_start_in_one_line(string verb)
    {
        string config = Write("kvrep.json", """
            {
              "KvReplicator": {
                "KeyVault": { "VaultUri": "https://contoso.vault.azure.net/" },
                "Ledger": { "ConnectionString": "UseDevelopmentStorage=true" },
                "Serve": { "DeliveryKey": "0123456789abcdef0123456789abcdef" },
                "Targets": [
                  { "Id": "prod", "SecretsManager": { "Region": "eu-west-1" } },
                  { "Id": "prod", "SecretsManager": { "Region": "us-east-1" } }
                ]
              }
            }
            """);

        (int exitCode, _, string stderr) = await InvokeAsync(verb, config);

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        AssertOneLine($"kvrep {verb}: ", stderr);
        Assert.Contains("KvReplicator:Targets:1:Id 'prod' is also the Id of KvReplicator:Targets:0", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stopped_before_it_finished_it_says_so_and_exits_130()
    {
        string config = Write("kvrep.json", """
            { "KvReplicator": { "KeyVault": { "VaultUri": "https://contoso.vault.azure.net/" }, "SecretsManager": { "Region": "eu-west-1" } } }
            """);
        using var stopped = new CancellationTokenSource();
        await stopped.CancelAsync();

        (int exitCode, _, string stderr) = await InvokeAsync("verify", config, stopped.Token);

        Assert.Equal(ExitCodes.Cancelled, exitCode);
        AssertOneLine("kvrep verify: stopped by Ctrl-C or SIGTERM before it finished.", stderr);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>Exactly one line, starting as expected, and no frame of a stack trace.</summary>
    private static void AssertOneLine(string expectedStart, string stderr)
    {
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith(expectedStart, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    private string Write(string name, string content)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> InvokeAsync(string verb, string config, CancellationToken cancellationToken = default)
    {
        // No cloud is reached: the stores' credentials are fakes, and each case fails before (or at) its first call.
        static void Offline(IServiceCollection services)
        {
            services.AddSingleton<TokenCredential>(new StaticTokenCredential());
            services.AddSingleton<ICredentialSource>(new AwsSdkCredentialSource(new BasicAWSCredentials("offline", "offline"), "offline"));
        }

        var root = new RootCommand
        {
            Subcommands =
            {
                new VerifyCommand(Offline), new SyncCommand(Offline), new StatusCommand(Offline), new ServeCommand(), new ReplayCommand(),
            },
        };
        string[] args = verb switch
        {
            "replay" => ["replay", "--folder", Path.GetDirectoryName(config)!, "--config", config],
            "serve" => ["serve", "--urls", "http://127.0.0.1:0", "--config", config],
            _ => [verb, "--config", config],
        };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null }, cancellationToken);
        SecretLeakGuard.Capture("kvrep stderr", stderr.ToString());
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    private sealed class StaticTokenCredential : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) => new("offline", DateTimeOffset.MaxValue);

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }
}
