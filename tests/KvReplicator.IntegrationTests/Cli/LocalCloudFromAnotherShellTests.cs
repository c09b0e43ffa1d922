using System.Text.Json.Nodes;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Cli;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.Replication;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;

namespace KvReplicator.IntegrationTests.Cli;

/// <summary>
/// <c>kvrep</c> in another process pointed at a running local deployment (what <c>kvrep-dev localcloud</c> starts)
/// by nothing but its environment file as <c>--config</c>: the file names the stores and the local cloud's Azure
/// credential, and doctor, status, verify, sync and replay work with it.
/// </summary>
public sealed class LocalCloudFromAnotherShellTests : IAsyncLifetime
{
    private LocalDeployment _deployment = null!;
    private string _folder = null!;
    private string _environmentFile = null!;

    public async Task InitializeAsync()
    {
        _deployment = await LocalDeployment.StartAsync(new LocalDeploymentOptions
        {
            Moto = await SharedEmulators.MotoAsync(),
            Azurite = await SharedEmulators.AzuriteAsync(),
            TargetPrefix = SharedEmulators.UniqueName("shell") + "/",
        });
        _folder = Directory.CreateTempSubdirectory("kvrep-test-shell-").FullName;
        _environmentFile = Path.Combine(_folder, "localcloud.json");
        await _deployment.DescribeForFile().WriteAsync(_environmentFile);
    }

    public async Task DisposeAsync()
    {
        await _deployment.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Doctor_status_verify_sync_and_replay_run_from_the_environment_file()
    {
        SecretClient vault = _deployment.Cloud.CreateSecretClient();
        KeyVaultSecret replicated = await vault.SetSecretAsync("shell-db", SecretLeakGuard.Register($"shell value {Guid.NewGuid():N}"));
        await vault.SetSecretAsync("kvrep-roles-anywhere-private-key", SecretLeakGuard.Register($"never replicated {Guid.NewGuid():N}"));

        // An AWS secret of someone else's under the name the replicator would write: its event is rejected.
        await _deployment.Cloud.CreateSecretsManagerClient().CreateSecretAsync(new CreateSecretRequest
        {
            Name = _deployment.TargetPrefix + "shell-foreign",
            ClientRequestToken = Guid.NewGuid().ToString("N"),
            SecretString = new SecretValue(SecretLeakGuard.Register($"theirs {Guid.NewGuid():N}")),
        });
        await vault.SetSecretAsync("shell-foreign", SecretLeakGuard.Register($"ours {Guid.NewGuid():N}"));
        await _deployment.Cloud.WhenDeliveredAsync();

        (int doctor, string checklist, _) = await RunAsync("doctor", "--json");
        Assert.Equal(ExitCodes.Success, doctor);
        Assert.All(JsonNode.Parse(checklist)!["checks"]!.AsArray(), check => Assert.NotEqual("Failed", check!["status"]!.GetValue<string>()));

        (int status, string report, string statusError) = await RunAsync("status", "--json");
        Assert.True(status == ExitCodes.DriftFound, statusError);
        JsonNode db = Secret(report, "shell-db");
        Assert.Equal("InSync", db["state"]!.GetValue<string>());
        Assert.Equal(replicated.Properties.Version, db["replicatedVersion"]!.GetValue<string>());
        Assert.NotNull(db["replicatedOn"]);
        Assert.Equal(db["keyVaultSha256Prefix"]!.GetValue<string>(), db["awsSha256Prefix"]!.GetValue<string>());
        Assert.Equal("Excluded", Secret(report, "kvrep-roles-anywhere-private-key")["state"]!.GetValue<string>());
        Assert.Equal("Foreign", Secret(report, "shell-foreign")["state"]!.GetValue<string>());

        (int verify, _, _) = await RunAsync("verify");
        Assert.Equal(ExitCodes.DriftFound, verify); // the foreign secret is a conflict nobody may repair
        (int sync, _, _) = await RunAsync("sync");
        Assert.Equal(ExitCodes.DriftFound, sync);
        (int replay, _, string replayError) = await RunAsync("replay", "--folder", Directory.CreateDirectory(Path.Combine(_folder, "dead-letters")).FullName);
        Assert.True(replay == ExitCodes.Success, replayError);
    }

    private static JsonNode Secret(string report, string name) =>
        Assert.Single(JsonNode.Parse(report)!["secrets"]!.AsArray(), secret => secret!["name"]?.GetValue<string>() == name)!;

    private Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] arguments) =>
        KvrepProcess.RunAsync([.. arguments, "--config", _environmentFile]);
}
