using System.CommandLine;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using KvReplicator.Cli;
using KvReplicator.Cli.Commands;
using KvReplicator.Credentials;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.IntegrationTests.Replication;
using KvReplicator.LocalCloud.Emulators;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Reconciliation;

/// <summary>
/// Issue 14, item 3: <c>kvrep verify</c>, <c>sync</c> and <c>status</c> of a deployment with two AWS targets (two
/// moto accounts in two regions) report and repair each target on its own, a row per target.
/// </summary>
public sealed class SeveralTargetsCommandsTests
{
    [Fact]
    public async Task Verify_sync_and_status_report_and_repair_each_target_on_its_own()
    {
        MotoServer moto = await SharedEmulators.MotoAsync();
        AWSCredentials westCredentials = await SeveralTargetsTests.AssumeRoleAsync(moto.Endpoint, $"arn:aws:iam::{SeveralTargetsTests.WestAccount}:role/kvrep-west");
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string config = await ReconcileCommandsTests.WriteConfigAsync(harness, new Dictionary<string, string?>
        {
            ["KvReplicator:SecretsManager:Region"] = "",
            ["KvReplicator:SecretsManager:ServiceUrl"] = "",
            ["KvReplicator:Targets:0:Id"] = "east",
            ["KvReplicator:Targets:0:SecretsManager:Region"] = SeveralTargetsTests.EastRegion,
            ["KvReplicator:Targets:0:SecretsManager:ServiceUrl"] = moto.Endpoint.ToString(),
            ["KvReplicator:Targets:1:Id"] = "west",
            ["KvReplicator:Targets:1:SecretsManager:Region"] = SeveralTargetsTests.WestRegion,
            ["KvReplicator:Targets:1:SecretsManager:ServiceUrl"] = moto.Endpoint.ToString(),
        });
        void Configure(IServiceCollection services)
        {
            services.AddSingleton(harness.Cloud.KeyVaultCredential);
            services.AddSingleton<ICredentialSource>(new AwsSdkCredentialSource(LocalCloudEnvironment.EmulatorCredentials, "local-emulator"));
            services.AddKeyedSingleton<ICredentialSource>("west", new AwsSdkCredentialSource(westCredentials, "moto-west-account"));
        }

        try
        {
            await harness.SetSecretAsync("cli-several", "several targets cli value");

            (int drift, string driftJson, _) = await InvokeAsync(Configure, "verify", "--json", "--config", config);
            Assert.Equal(ExitCodes.DriftFound, drift);
            Assert.Equal(["east Missing", "west Missing"], Rows(driftJson, "items", "kind"));

            (int synced, string syncTable, string syncErrors) = await InvokeAsync(Configure, "sync", "--config", config);
            Assert.True(synced == ExitCodes.Success, syncErrors + syncTable);
            Assert.Contains("Target", syncTable, StringComparison.Ordinal);

            (int verified, string verifyJson, _) = await InvokeAsync(Configure, "verify", "--json", "--config", config);
            Assert.Equal(ExitCodes.Success, verified);
            Assert.Equal(["east InSync", "west InSync"], Rows(verifyJson, "items", "kind"));

            (int status, string statusJson, string statusErrors) = await InvokeAsync(Configure, "status", "--json", "--config", config);
            Assert.True(status == ExitCodes.Success, statusErrors + statusJson);
            Assert.Equal(["east InSync", "west InSync"], Rows(statusJson, "secrets", "state"));
            Assert.DoesNotContain("several targets cli value", driftJson + syncTable + verifyJson + statusJson, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(config);
        }
    }

    /// <summary>"target value" of each row about the test's secret, in order.</summary>
    private static string[] Rows(string json, string list, string property) =>
    [
        .. JsonNode.Parse(json)![list]!.AsArray()
            .Where(row => row!["sourceName"]?.GetValue<string>() == "cli-several" || row!["name"]?.GetValue<string>() == "cli-several")
            .Select(row => $"{row!["target"]!.GetValue<string>()} {row[property]!.GetValue<string>()}")
            .Order(),
    ];

    private static async Task<(int ExitCode, string Stdout, string Stderr)> InvokeAsync(Action<IServiceCollection> configure, params string[] args)
    {
        var root = new RootCommand { Subcommands = { new SyncCommand(configure), new VerifyCommand(configure), new StatusCommand(configure) } };
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null });
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
