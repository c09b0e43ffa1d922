using System.CommandLine;
using KvReplicator.Cli;
using KvReplicator.DevTools.Bench;
using KvReplicator.DevTools.Commands;
using KvReplicator.LocalCloud.EventGrid;

namespace KvReplicator.Tests.DevTools.Commands;

public sealed class BenchCommandTests
{
    [Fact]
    public void Defaults_are_the_published_workload()
    {
        BenchOptions options = BenchCommand.ReadOptions(new KvrepDevRootCommand().Parse(["bench"]));

        Assert.Equal(200, options.Secrets);
        Assert.Equal(5, options.Versions);
        Assert.True(options.Shuffle);
        Assert.Equal(EventDeliverySchema.EventGridSchema, options.Schema);
        Assert.Equal(BenchDeliveryMode.Direct, options.Delivery);
        Assert.False(options.RotationRounds);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Options_parse_into_the_workload()
    {
        ParseResult result = new KvrepDevRootCommand().Parse([
            "bench", "--secrets", "7", "--versions", "3", "--concurrency", "2", "--duplicate-rate", "0.25", "--shuffle", "false",
            "--seed", "42", "--schema", "cloudevents", "--delivery", "http", "--rotation-rounds", "--retry-delay-ms", "5", "--profile", "--json",
            "--setting", "KvReplicator:SecretsManager:OwnershipCacheDuration=00:00:00"]);

        Assert.Empty(result.Errors);
        BenchOptions options = BenchCommand.ReadOptions(result);
        Assert.Equal((7, 3, 2, 0.25, false, 42), (options.Secrets, options.Versions, options.Concurrency, options.DuplicateRate, options.Shuffle, options.Seed));
        Assert.Equal(EventDeliverySchema.CloudEventSchemaV1_0, options.Schema);
        Assert.Equal(BenchDeliveryMode.Http, options.Delivery);
        Assert.True(options.RotationRounds);
        Assert.Equal(TimeSpan.FromMilliseconds(5), options.RetryDelay);
        Assert.True(options.Profile);
        Assert.True(result.GetValue(BenchCommand.JsonOption));
        Assert.Equal("00:00:00", options.Settings["KvReplicator:SecretsManager:OwnershipCacheDuration"]);
    }

    [Fact]
    public void Patterns_parse_in_order_and_all_names_the_five_counting_patterns()
    {
        ParseResult result = new KvrepDevRootCommand().Parse(["bench", "--pattern", "all,cold-start", "--pattern", "latency", "--delivery", "process", "--repeat", "3", "--count-calls", "false"]);

        Assert.Empty(result.Errors);
        BenchOptions options = BenchCommand.ReadOptions(result);
        Assert.Equal(
            [BenchPattern.AsCreated, BenchPattern.CreatedFirst, BenchPattern.NewestFirst, BenchPattern.Triplicate, BenchPattern.Shuffled, BenchPattern.ColdStart, BenchPattern.Latency],
            options.Patterns);
        Assert.Equal(BenchDeliveryMode.Process, options.Delivery);
        Assert.Equal(3, options.Repeat);
        Assert.False(options.CountCalls);
        // Without --kvrep, process delivery runs the kvrep.dll built beside kvrep-dev.
        Assert.Equal(Path.Combine(AppContext.BaseDirectory, "kvrep.dll"), Assert.Single(options.Replicators).KvrepDll);
    }

    [Fact]
    public void Kvrep_builds_are_labelled_and_kept_in_order()
    {
        BenchOptions options = BenchCommand.ReadOptions(new KvrepDevRootCommand().Parse(
            ["bench", "--delivery", "process", "--kvrep", "old=/builds/old/kvrep.dll", "--kvrep", "new=/builds/new/kvrep.dll"]));

        Assert.Equal([new BenchReplicator("old", "/builds/old/kvrep.dll"), new BenchReplicator("new", "/builds/new/kvrep.dll")], options.Replicators);
        Assert.Contains(options.Validate(), problem => problem.Contains("--kvrep 'old'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--pattern cold-start", "--delivery process")]
    [InlineData("--pattern latency --versions 2", "--versions 3")]
    [InlineData("--kvrep /x/kvrep.dll", "only for --delivery process")]
    public void Patterns_that_cannot_run_as_asked_are_refused_before_anything_starts(string arguments, string expected)
    {
        BenchOptions options = BenchCommand.ReadOptions(new KvrepDevRootCommand().Parse(["bench", .. arguments.Split(' ')]));

        Assert.Contains(options.Validate(), problem => problem.Contains(expected, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--pattern", "zigzag")]
    [InlineData("--pattern", "as-created,zigzag")]
    [InlineData("--schema", "xml")]
    [InlineData("--delivery", "carrier-pigeon")]
    public void An_unknown_schema_or_delivery_is_a_parse_error(string option, string value)
    {
        Assert.NotEmpty(new KvrepDevRootCommand().Parse(["bench", option, value]).Errors);
    }

    [Theory]
    [InlineData("--duplicate-rate", "1.5", "--duplicate-rate")]
    [InlineData("--secrets", "0", "--secrets")]
    [InlineData("--concurrency", "0", "--concurrency")]
    [InlineData("--setting", "NotOurs=1", "--setting")]
    public async Task An_out_of_range_option_is_a_configuration_error_before_anything_starts(string option, string value, string named)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        bool started = false;
        var root = new RootCommand { new BenchCommand(_ => { started = true; throw new InvalidOperationException("must not start"); }) };

        int exitCode = await root.Parse(["bench", option, value]).InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr });

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        Assert.Contains(named, stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(stdout.ToString());
        Assert.False(started);
    }
}
