using System.CommandLine;
using System.Text.Json;
using KvReplicator.Cli;
using KvReplicator.Cli.Commands;
using KvReplicator.DependencyInjection;
using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.Replication;
using KvReplicator.Tests.DeadLettering;
using KvReplicator.Tests.Fakes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.Commands;

public sealed class ReplayCommandTests : IDisposable
{
    private const string Good = "0123456789abcdef0123456789abcdef";
    private const string Bad = "fedcba9876543210fedcba9876543210";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"kvrep-test-replay-{Guid.NewGuid():N}");
    private readonly InMemorySecretSource _source = new(DeadLetterSamples.Vault);
    private readonly InMemorySecretsManager _target = new();
    private readonly InMemoryReplicationLedger _ledger = new();

    public ReplayCommandTests()
    {
        Directory.CreateDirectory(_folder);

        // Each sample secret's only version is its latest; writes of the failing one are throttled.
        _source.Add("db", Good, "replayed value", DateTimeOffset.UnixEpoch);
        _source.Add("failing-db", Bad, "replayed value", DateTimeOffset.UnixEpoch);
        _target.BeforeWrite = (write, _) => write.VersionId == Bad
            ? throw new SecretStoreException("Secrets Manager PutSecretValue failed: ThrottlingException (HTTP 400)", isTransient: true)
            : Task.CompletedTask;
    }

    [Theory]
    [InlineData("replay")]
    [InlineData("replay", "--folder", "x", "--container", "y")]
    [InlineData("replay", "--container", "y")]
    [InlineData("replay", "--container", "y", "--connection-string", "UseDevelopmentStorage=true", "--service-uri", "https://a.blob.core.windows.net")]
    [InlineData("replay", "--folder", "x", "--service-uri", "https://a.blob.core.windows.net")]
    [InlineData("replay", "--folder", "x", "--delete", "--dry-run")]
    public void Contradictory_or_missing_locations_are_parse_errors(params string[] args)
    {
        Assert.NotEmpty(new KvrepRootCommand().Parse(args).Errors);
    }

    [Fact]
    public void Replay_parses_a_container_with_a_service_uri()
    {
        ParseResult result = new KvrepRootCommand().Parse(["replay", "--container", "deadletters", "--service-uri", "https://a.blob.core.windows.net", "--json"]);

        Assert.Empty(result.Errors);
        Assert.Equal("deadletters", result.GetValue(ReplayCommand.ContainerOption));
        Assert.True(result.GetValue(ReplayCommand.JsonOption));
    }

    [Fact]
    public async Task A_dry_run_lists_the_events_needs_no_configuration_and_moves_nothing()
    {
        Write("one.json", DeadLetterSamples.EventGridSchema("db", Good));

        (int exitCode, string stdout, _) = await InvokeAsync(configureServices: null, "--folder", _folder, "--dry-run", "--json");

        Assert.Equal(ExitCodes.Success, exitCode);
        using JsonDocument report = JsonDocument.Parse(stdout);
        Assert.True(report.RootElement.GetProperty("dryRun").GetBoolean());
        JsonElement deadLetter = Assert.Single(report.RootElement.GetProperty("deadLetters").EnumerateArray().ToArray());
        Assert.Equal("Planned", deadLetter.GetProperty("status").GetString());
        Assert.Equal(Good, deadLetter.GetProperty("events")[0].GetProperty("version").GetString());
        Assert.True(File.Exists(Path.Combine(_folder, "one.json")));
        Assert.Empty(_target.Operations);
        Assert.Equal(0, _ledger.Calls);
    }

    [Fact]
    public async Task Replayed_dead_letters_move_to_replayed_and_failing_ones_stay_with_a_failing_exit_code()
    {
        Write("good.json", DeadLetterSamples.CloudEventSchema("db", Good));
        Write("bad.json", DeadLetterSamples.EventGridSchema("failing-db", Bad));

        (int exitCode, string stdout, _) = await InvokeAsync(RegisterPipeline, "--folder", _folder);

        Assert.Equal(ExitCodes.EventsStillFailing, exitCode);
        Assert.True(File.Exists(Path.Combine(_folder, "replayed", "good.json")));
        Assert.False(File.Exists(Path.Combine(_folder, "good.json")));
        Assert.True(File.Exists(Path.Combine(_folder, "bad.json")));
        Assert.Equal(Good, _target.CurrentOf("db"));
        Assert.Contains("Replayed", stdout, StringComparison.Ordinal);
        Assert.Contains("ThrottlingException", stdout, StringComparison.Ordinal);
        Assert.Contains("2 file(s): 1 replayed, 1 failed (left in place), 0 not a dead letter. 2 event(s): 1 replicated, 0 already done, 0 skipped, 1 still failing.", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("replayed value", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_summary_counts_files_and_events_apart_and_names_what_is_not_a_dead_letter()
    {
        // One dead letter holding two events, an empty array, and a bare event object.
        _source.Add("other-db", Good, "replayed value", DateTimeOffset.UnixEpoch);
        string twoEvents = "[" + DeadLetterSamples.EventGridSchema("db", Good).Trim().TrimStart('[').TrimEnd(']') + ","
            + DeadLetterSamples.EventGridSchema("other-db", Good, id: "event-2").Trim().TrimStart('[').TrimEnd(']') + "]";
        Write("two.json", twoEvents);
        Write("empty.json", "[]");
        Write("single.json", DeadLetterSamples.EventGridSchema("db", Good).Trim().TrimStart('[').TrimEnd(']'));

        (int exitCode, string stdout, _) = await InvokeAsync(RegisterPipeline, "--folder", _folder);

        Assert.Equal(ExitCodes.EventsStillFailing, exitCode);
        Assert.True(stdout.Contains("3 file(s): 1 replayed, 0 failed (left in place), 2 not a dead letter. 2 event(s): 2 replicated, 0 already done, 0 skipped, 0 still failing.", StringComparison.Ordinal), stdout);
        Assert.Contains("no events", stdout, StringComparison.Ordinal);
        Assert.Contains("not a dead letter: a JSON object", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("not a JSON array of events", stdout, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_folder, "empty.json")));
        Assert.True(File.Exists(Path.Combine(_folder, "single.json")));
        Assert.Equal(2, _target.Writes);
    }

    [Fact]
    public async Task Delete_removes_replayed_dead_letters_and_an_all_good_run_exits_zero()
    {
        Write("good.json", DeadLetterSamples.EventGridSchema("db", Good));

        (int exitCode, _, _) = await InvokeAsync(RegisterPipeline, "--folder", _folder, "--delete");

        Assert.Equal(ExitCodes.Success, exitCode);
        Assert.Empty(Directory.EnumerateFiles(_folder, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task A_missing_setting_is_a_configuration_error_naming_it()
    {
        Write("good.json", DeadLetterSamples.EventGridSchema("db", Good));

        (int exitCode, string stdout, string stderr) = await InvokeAsync(configureServices: null, "--folder", _folder);

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        Assert.Contains("VaultUri", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task A_missing_folder_is_reported_on_stderr()
    {
        (int exitCode, _, string stderr) = await InvokeAsync(configureServices: null, "--folder", Path.Combine(_folder, "missing"), "--dry-run");

        // A folder named on the command line that is not there is a wrong argument, as a missing --config file is.
        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        Assert.Contains("does not exist", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private void RegisterPipeline(IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ISecretSource>(_source);
        services.AddSingleton<ISecretTarget>(_target);
        services.AddSingleton<IReplicationLedger>(_ledger);
        services.AddSingleton(Options.Create(new ReplicationOptions()));
        services.AddReplicationPipeline();
    }

    private void Write(string name, string content) => File.WriteAllText(Path.Combine(_folder, name), content);

    private static async Task<(int ExitCode, string Stdout, string Stderr)> InvokeAsync(Action<IServiceCollection, IConfiguration>? configureServices, params string[] args)
    {
        var root = new RootCommand();
        root.Subcommands.Add(new ReplayCommand(configureServices));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int exitCode = await root.Parse(["replay", .. args]).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null });
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
