using System.CommandLine;
using System.Text.Json;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using KvReplicator.Cli;
using KvReplicator.Cli.Commands;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.IntegrationTests.EventGrid;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;

namespace KvReplicator.IntegrationTests.DeadLettering;

/// <summary>
/// Issue "Reconcile, verify, replay": events the local Event Grid dead-lettered (its webhook answered 400)
/// are replayed by <c>kvrep replay</c>, invoked in-process against moto, Azurite and the local Key Vault.
/// </summary>
public sealed class ReplayCommandLocalCloudTests : IAsyncLifetime
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(60);
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), $"kvrep-test-replay-{Guid.NewGuid():N}");
    private readonly string _prefix = SharedEmulators.UniqueName("replay") + "/";
    private LocalCloudEnvironment? _cloud;
    private RecordingWebhook? _webhook;

    [Fact]
    public async Task Dead_letters_in_a_folder_reach_aws_and_a_second_replay_changes_nothing()
    {
        LocalCloudEnvironment cloud = await StartAsync();
        string deadLetters = Path.Combine(_scratch, "deadletters");
        await cloud.EventGrid.AddSubscriptionAsync(new LocalEventSubscription { Name = "refused-folder", Endpoint = _webhook!.Endpoint, DeadLetterFolder = deadLetters });
        string db = SharedEmulators.UniqueName("db");
        string api = SharedEmulators.UniqueName("api");
        string db1 = await SetAsync(db, "db value one");
        string db2 = await SetAsync(db, "db value two");
        string api1 = await SetAsync(api, "api value");
        await cloud.WhenDeliveredAsync().WaitAsync(s_wait);
        Assert.Equal(3, Directory.GetFiles(deadLetters, "*.json").Length);

        (int exitCode, string stdout) = await ReplayAsync("--folder", deadLetters, "--json");

        Assert.True(exitCode == ExitCodes.Success, stdout);
        using (JsonDocument report = JsonDocument.Parse(stdout))
        {
            Assert.Equal(3, report.RootElement.GetProperty("replayedCount").GetInt32());
        }

        Assert.Empty(Directory.GetFiles(deadLetters, "*.json"));
        Assert.Equal(3, Directory.GetFiles(Path.Combine(deadLetters, "replayed"), "*.json").Length);
        Assert.Equal(new[] { db1, db2 }.Order(), await AwsVersionsAsync(db));
        Assert.Equal([api1], await AwsVersionsAsync(api));
        Assert.Equal(db2, (await AwsCurrentAsync(db)).VersionId);
        Assert.Equal("db value two", (await AwsCurrentAsync(db)).SecretString!.Reveal());

        // Nothing left: a second run replays nothing.
        (exitCode, stdout) = await ReplayAsync("--folder", deadLetters, "--json");
        Assert.Equal(ExitCodes.Success, exitCode);
        using (JsonDocument report = JsonDocument.Parse(stdout))
        {
            Assert.Empty(report.RootElement.GetProperty("deadLetters").EnumerateArray());
        }

        // The same dead letters once more (a copy kept elsewhere, a re-download): every event is already done.
        foreach (string replayed in Directory.GetFiles(Path.Combine(deadLetters, "replayed"), "*.json"))
        {
            File.Copy(replayed, Path.Combine(deadLetters, Path.GetFileName(replayed)));
        }

        (exitCode, stdout) = await ReplayAsync("--folder", deadLetters, "--json");
        Assert.Equal(ExitCodes.Success, exitCode);
        using (JsonDocument report = JsonDocument.Parse(stdout))
        {
            Assert.All(
                report.RootElement.GetProperty("deadLetters").EnumerateArray().SelectMany(d => d.GetProperty("events").EnumerateArray()),
                e => Assert.Equal("AlreadyDone", e.GetProperty("outcome").GetString()));
        }

        Assert.Equal(new[] { db1, db2 }.Order(), await AwsVersionsAsync(db));
        Assert.Equal(db2, (await AwsCurrentAsync(db)).VersionId);
    }

    [Fact]
    public async Task Dead_letters_in_an_azurite_container_are_moved_to_replayed_and_a_failing_one_stays()
    {
        LocalCloudEnvironment cloud = await StartAsync();
        var container = new BlobContainerClient(cloud.Azurite.ConnectionString, SharedEmulators.UniqueName("deadletters"));
        await container.CreateIfNotExistsAsync();
        await cloud.EventGrid.AddSubscriptionAsync(new LocalEventSubscription
        {
            Name = "refused-blob",
            Endpoint = _webhook!.Endpoint,
            Schema = EventDeliverySchema.CloudEventSchemaV1_0,
            DeadLetterContainer = container,
        });
        string name = SharedEmulators.UniqueName("blob");
        string version = await SetAsync(name, "from a blob dead letter");
        await cloud.WhenDeliveredAsync().WaitAsync(s_wait);

        // An event of another vault can never succeed here: it is reported and left in place.
        string foreignVersion = Guid.NewGuid().ToString("N");
        await container.UploadBlobAsync("OTHER/2026/11/23/01/foreign.json", BinaryData.FromString($$"""
            [{"id":"foreign-1","topic":"/vaults/other-vault","subject":"x","eventType":"Microsoft.KeyVault.SecretNewVersionCreated",
              "eventTime":"2026-11-23T01:00:00Z","dataVersion":"1","metadataVersion":"1",
              "data":{"Id":"https://other-vault.vault.azure.net/secrets/x/{{foreignVersion}}","VaultName":"other-vault","ObjectType":"Secret","ObjectName":"x","Version":"{{foreignVersion}}"},
              "deadLetterReason":"MaxDeliveryAttemptsExceeded","deliveryAttempts":30,"lastDeliveryOutcome":"Busy","lastHttpStatusCode":503,
              "publishTime":"2026-11-23T01:00:00Z","lastDeliveryAttemptTime":"2026-11-24T01:00:00Z"}]
            """));

        (int exitCode, string stdout) = await ReplayAsync("--container", container.Name, "--connection-string", cloud.Azurite.ConnectionString);

        Assert.Equal(ExitCodes.EventsStillFailing, exitCode);
        Assert.Contains("2 file(s): 1 replayed, 1 failed (left in place), 0 not a dead letter. 2 event(s): 1 replicated, 0 already done, 0 skipped, 1 still failing.", stdout, StringComparison.Ordinal);
        Assert.Contains("other-vault", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("from a blob dead letter", stdout, StringComparison.Ordinal);
        string[] blobs = [.. (await container.GetBlobsAsync().ToArrayAsync()).Select(b => b.Name)];
        Assert.Contains("OTHER/2026/11/23/01/foreign.json", blobs);
        Assert.Single(blobs, b => b.StartsWith("replayed/REFUSED-BLOB/", StringComparison.Ordinal));
        Assert.DoesNotContain(blobs, b => b.StartsWith("REFUSED-BLOB/", StringComparison.Ordinal));
        Assert.Equal([version], await AwsVersionsAsync(name));
    }

    // IAsyncLifetime, not IAsyncDisposable: xunit 2 never calls the latter on a test class, which left the local
    // cloud running and the scratch folder on disk.
    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_webhook is not null)
        {
            await _webhook.DisposeAsync();
        }

        if (_cloud is not null)
        {
            await _cloud.DisposeAsync();
        }

        if (Directory.Exists(_scratch))
        {
            Directory.Delete(_scratch, recursive: true);
        }
    }

    private async Task<LocalCloudEnvironment> StartAsync()
    {
        _cloud = await LocalCloudEnvironment.StartAsync(
            eventGridOptions: new LocalEventGridOptions { RetryDelayScale = 0 },
            moto: await SharedEmulators.MotoAsync(),
            azurite: await SharedEmulators.AzuriteAsync());
        _webhook = await RecordingWebhook.StartAsync();
        _webhook.DefaultStatus = 400; // the replicator's endpoint refused everything: Event Grid dead-letters at once
        Directory.CreateDirectory(_scratch);
        return _cloud;
    }

    private async Task<string> SetAsync(string name, string value) =>
        (await _cloud!.CreateSecretClient().SetSecretAsync(name, value)).Value.Properties.Version;

    /// <summary>Runs <c>kvrep replay</c> in-process with a --config file pointing at the local cloud.</summary>
    private async Task<(int ExitCode, string Stdout)> ReplayAsync(params string[] args)
    {
        string config = Path.Combine(_scratch, "kvrep.json");
        if (!File.Exists(config))
        {
            var settings = _cloud!.ReplicatorSettings(_prefix, SharedEmulators.UniqueName("ledger"));
            await File.WriteAllTextAsync(config, JsonSerializer.Serialize(Nest(settings)));
        }

        var root = new RootCommand();
        root.Subcommands.Add(new ReplayCommand((services, configuration) => _cloud!.AddReplicator(services, configuration)));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exitCode = await root.Parse(["replay", .. args, "--config", config])
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null });
        Assert.True(exitCode is ExitCodes.Success or ExitCodes.EventsStillFailing, $"kvrep replay exited {exitCode}: {stderr}");
        return (exitCode, stdout.ToString());
    }

    /// <summary>"A:B:C" keys as the nested JSON a configuration file holds.</summary>
    private static Dictionary<string, object> Nest(IReadOnlyDictionary<string, string?> settings)
    {
        var root = new Dictionary<string, object>();
        foreach ((string key, string? value) in settings)
        {
            string[] parts = key.Split(':');
            Dictionary<string, object> node = root;
            foreach (string part in parts[..^1])
            {
                if (!node.TryGetValue(part, out object? child))
                {
                    node[part] = child = new Dictionary<string, object>();
                }

                node = (Dictionary<string, object>)child;
            }

            node[parts[^1]] = value ?? "";
        }

        return root;
    }

    private async Task<string[]> AwsVersionsAsync(string name)
    {
        SecretsManagerClient aws = _cloud!.CreateSecretsManagerClient();
        ListSecretVersionIdsResponse listed = await aws.ListSecretVersionIdsAsync(new ListSecretVersionIdsRequest { SecretId = _prefix + name, IncludeDeprecated = true });
        return [.. listed.Versions.Select(v => v.VersionId!).Order()];
    }

    private Task<GetSecretValueResponse> AwsCurrentAsync(string name) =>
        _cloud!.CreateSecretsManagerClient().GetSecretValueAsync(new GetSecretValueRequest { SecretId = _prefix + name, VersionStage = "AWSCURRENT" });
}
