using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using KvReplicator.Cli;
using KvReplicator.Cli.Commands;
using KvReplicator.Credentials;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Replication;
using KvReplicator.SecretsManager;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Reconciliation;

/// <summary><c>kvrep sync</c> and <c>kvrep verify</c> parsed and invoked as a user would, against the local cloud.</summary>
public sealed class ReconcileCommandsTests
{
    [Fact]
    public async Task Sync_dry_run_writes_nothing_sync_repairs_and_verify_exits_zero_only_when_in_sync()
    {
        var calls = new SecretsManagerCallCounter();
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string config = await WriteConfigAsync(harness);
        try
        {
            await harness.SetSecretAsync("cli-secret", "cli value never printed");

            (int verifyDrift, string verifyDriftJson, _) = await InvokeAsync(harness, calls, "verify", "--json", "--config", config);
            Assert.Equal(ExitCodes.DriftFound, verifyDrift);
            Assert.Equal("Missing", Item(verifyDriftJson)["kind"]!.GetValue<string>());

            (int dryRun, string dryRunJson, _) = await InvokeAsync(harness, calls, "sync", "--dry-run", "--json", "--config", config);
            Assert.Equal(ExitCodes.DriftFound, dryRun);
            Assert.Equal("Planned", Item(dryRunJson)["status"]!.GetValue<string>());
            Assert.Empty(calls.Writes);

            (int synced, string syncTable, _) = await InvokeAsync(harness, calls, "sync", "--config", config);
            Assert.Equal(ExitCodes.Success, synced);
            Assert.Contains("cli-secret", syncTable, StringComparison.Ordinal);
            Assert.Equal(["CreateSecret"], calls.Writes);

            calls.Clear();
            (int verified, string verifyJson, string stderr) = await InvokeAsync(harness, calls, "verify", "--json", "--config", config);
            Assert.Equal(ExitCodes.Success, verified);
            JsonNode item = Item(verifyJson);
            Assert.Equal("InSync", item["kind"]!.GetValue<string>());
            Assert.Equal(8, item["sourceSha256Prefix"]!.GetValue<string>().Length);
            Assert.Empty(calls.Writes);
            Assert.DoesNotContain("cli value never printed", verifyJson + syncTable + stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }
    }

    private static JsonNode Item(string json) => Assert.Single(JsonNode.Parse(json)!["items"]!.AsArray())!;

    private static async Task<(int ExitCode, string Stdout, string Stderr)> InvokeAsync(ReplicationHarness harness, SecretsManagerCallCounter calls, params string[] args)
    {
        void Configure(IServiceCollection services)
        {
            services.AddSingleton(harness.Cloud.KeyVaultCredential);
            services.AddSingleton<ICredentialSource>(new AwsSdkCredentialSource(LocalCloudEnvironment.EmulatorCredentials, "local-emulator"));
            services.AddHttpClient(SecretsManagerClient.HttpClientName).AddHttpMessageHandler(calls.CreateHandler);
        }

        var root = new RootCommand { Subcommands = { new SyncCommand(Configure), new VerifyCommand(Configure) } };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null });
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The replicator settings of the harness as the nested JSON file a user would pass with --config.</summary>
    private static async Task<string> WriteConfigAsync(ReplicationHarness harness)
    {
        var root = new JsonObject();
        foreach ((string key, string? value) in harness.Cloud.ReplicatorSettings(harness.Prefix))
        {
            JsonObject node = root;
            string[] path = key.Split(':');
            foreach (string segment in path[..^1])
            {
                node = (JsonObject)(node[segment] ??= new JsonObject());
            }

            node[path[^1]] = value;
        }

        string file = Path.Combine(Path.GetTempPath(), $"kvrep-sync-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return file;
    }
}
