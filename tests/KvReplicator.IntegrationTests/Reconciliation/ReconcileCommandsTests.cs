using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using KvReplicator.Cli;
using KvReplicator.Cli.Commands;
using KvReplicator.Credentials;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Replication;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.IntegrationTests.SecretsManager;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;
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

    [Fact]
    public async Task A_key_vault_version_id_written_to_aws_with_another_value_is_a_conflict_sync_and_verify_agree_on_until_a_new_version_supersedes_it()
    {
        var calls = new SecretsManagerCallCounter();
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string config = await WriteConfigAsync(harness);
        try
        {
            string first = await harness.SetSecretAsync("hijacked", "first value");
            await harness.DeliverAsync("hijacked", first);

            // Key Vault version X exists; before its event arrives, something else puts X's id to AWS with another value.
            string x = await harness.SetSecretAsync("hijacked", "key vault value of x");
            await harness.Aws.PutSecretValueAsync(new PutSecretValueRequest
            {
                SecretId = harness.TargetName("hijacked"), ClientRequestToken = x, SecretString = new SecretValue(SecretLeakGuard.Register("another value under x")),
            });
            calls.Clear();

            (int synced, string syncJson, _) = await InvokeAsync(harness, calls, "sync", "--json", "--config", config);
            (int verified, string verifyJson, _) = await InvokeAsync(harness, calls, "verify", "--json", "--config", config);
            (int again, string againTable, _) = await InvokeAsync(harness, calls, "sync", "--config", config);

            Assert.Equal((ExitCodes.DriftFound, ExitCodes.DriftFound, ExitCodes.DriftFound), (synced, verified, again));
            Assert.Equal(("ValueConflict", "Reported", x), (Item(syncJson)["kind"]!.GetValue<string>(), Item(syncJson)["status"]!.GetValue<string>(), Item(syncJson)["targetVersion"]!.GetValue<string>()));
            Assert.Equal("ValueConflict", Item(verifyJson)["kind"]!.GetValue<string>());
            Assert.NotEqual(Item(verifyJson)["sourceSha256Prefix"]!.GetValue<string>(), Item(verifyJson)["targetSha256Prefix"]!.GetValue<string>());
            Assert.Equal((1, 1), (JsonNode.Parse(syncJson)!["driftFound"]!.GetValue<int>(), JsonNode.Parse(syncJson)!["driftLeft"]!.GetValue<int>()));
            Assert.Contains("supersede it with a new Key Vault version", againTable, StringComparison.Ordinal);
            Assert.Empty(calls.Writes);
            GetSecretValueResponse untouched = await harness.AwsCurrentAsync("hijacked");
            Assert.Equal((x, "another value under x"), (untouched.VersionId, untouched.SecretString!.Reveal()));

            // The person's way out: a new Key Vault version, which sync writes and both then call in sync.
            string fixedVersion = await harness.SetSecretAsync("hijacked", "superseding value");
            (int fixedSync, _, _) = await InvokeAsync(harness, calls, "sync", "--config", config);
            (int fixedVerify, string fixedJson, string stderr) = await InvokeAsync(harness, calls, "verify", "--json", "--config", config);

            Assert.Equal((ExitCodes.Success, ExitCodes.Success), (fixedSync, fixedVerify));
            Assert.Equal("InSync", Item(fixedJson)["kind"]!.GetValue<string>());
            GetSecretValueResponse current = await harness.AwsCurrentAsync("hijacked");
            Assert.Equal((fixedVersion, "superseding value"), (current.VersionId, current.SecretString!.Reveal()));
            Assert.DoesNotContain("another value under x", syncJson + verifyJson + againTable + fixedJson + stderr, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }
    }

    [Fact]
    public async Task A_write_aws_refuses_makes_sync_exit_4_with_the_reason_while_verify_still_reports_the_drift()
    {
        var calls = new SecretsManagerCallCounter();
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string config = await WriteConfigAsync(harness);
        try
        {
            KeyVaultSecret created = await harness.Vault.SetSecretAsync(new KeyVaultSecret("retagged", SecretLeakGuard.Register("retagged value"))
            {
                Properties = { Tags = { ["team"] = "payments", ["env"] = "prod" } },
            });
            await harness.DeliverAsync("retagged", created.Properties.Version);
            SecretProperties properties = created.Properties;
            properties.Tags.Remove("env");
            await harness.Vault.UpdateSecretPropertiesAsync(properties);

            // An IAM policy from before sync removed tags: AWS refuses UntagResource (moto would allow it).
            var refusing = new Func<DelegatingHandler>(() => new AwsSecretsManagerRules("UntagResource"));
            (int synced, string syncJson, _) = await InvokeAsync(harness, calls, refusing, "sync", "--json", "--config", config);
            (int verified, string verifyJson, _) = await InvokeAsync(harness, calls, refusing, "verify", "--json", "--config", config);

            Assert.Equal((ExitCodes.SyncIncomplete, ExitCodes.DriftFound), (synced, verified));
            JsonNode item = Item(syncJson);
            Assert.Equal(("MetadataDrift", "Failed"), (item["kind"]!.GetValue<string>(), item["status"]!.GetValue<string>()));
            Assert.Contains("UntagResource failed: AccessDeniedException (HTTP 400", item["error"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.True(JsonNode.Parse(syncJson)!["hasFailures"]!.GetValue<bool>());
            Assert.Equal("MetadataDrift", Item(verifyJson)["kind"]!.GetValue<string>());

            // Once the policy allows it, the next sync finishes the job: the refused removal was not forgotten.
            (int retried, _, _) = await InvokeAsync(harness, calls, "sync", "--config", config);
            (int clean, _, _) = await InvokeAsync(harness, calls, "verify", "--config", config);
            Assert.Equal((ExitCodes.Success, ExitCodes.Success), (retried, clean));
            DescribeSecretResponse described = await harness.Aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = harness.TargetName("retagged") });
            Assert.DoesNotContain(described.Tags!, tag => tag.Key == "env");
        }
        finally
        {
            File.Delete(config);
        }
    }

    private static JsonNode Item(string json) => Assert.Single(JsonNode.Parse(json)!["items"]!.AsArray())!;

    private static Task<(int ExitCode, string Stdout, string Stderr)> InvokeAsync(ReplicationHarness harness, SecretsManagerCallCounter calls, params string[] args) =>
        InvokeAsync(harness, calls, aws: null, args);

    /// <param name="aws">Stands between the replicator and moto, answering as AWS would where moto does not.</param>
    private static async Task<(int ExitCode, string Stdout, string Stderr)> InvokeAsync(ReplicationHarness harness, SecretsManagerCallCounter calls, Func<DelegatingHandler>? aws, params string[] args)
    {
        void Configure(IServiceCollection services)
        {
            services.AddSingleton(harness.Cloud.KeyVaultCredential);
            services.AddSingleton<ICredentialSource>(new AwsSdkCredentialSource(LocalCloudEnvironment.EmulatorCredentials, "local-emulator"));
            IHttpClientBuilder client = services.AddHttpClient(SecretsManagerClient.HttpClientName).AddHttpMessageHandler(calls.CreateHandler);
            if (aws is not null)
            {
                client.AddHttpMessageHandler(aws);
            }
        }

        var root = new RootCommand { Subcommands = { new SyncCommand(Configure), new VerifyCommand(Configure) } };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null });
        return (exitCode, stdout.ToString(), stderr.ToString());
    }

    /// <summary>The replicator settings of the harness (and <paramref name="overrides"/>) as the nested JSON file a user would pass with --config.</summary>
    internal static async Task<string> WriteConfigAsync(ReplicationHarness harness, IReadOnlyDictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(harness.Cloud.ReplicatorSettings(harness.Prefix));
        foreach ((string key, string? value) in overrides ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var root = new JsonObject();
        foreach ((string key, string? value) in settings)
        {
            JsonObject node = root;
            string[] path = key.Split(':');
            foreach (string segment in path[..^1])
            {
                node = (JsonObject)(node[segment] ??= new JsonObject());
            }

            node[path[^1]] = value;
        }

        string file = Path.Combine(Path.GetTempPath(), $"kvrep-test-sync-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(file, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        return file;
    }
}
