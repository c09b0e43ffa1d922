using System.CommandLine;
using KvReplicator.Cli;
using KvReplicator.DevTools.Commands;
using KvReplicator.LocalCloud.EventGrid;

namespace KvReplicator.Tests.DevTools.Commands;

public sealed class DemoCommandTests
{
    [Fact]
    public void Demo_parses_every_option()
    {
        ParseResult result = new KvrepDevRootCommand().Parse(
            ["demo", "--secrets", "3", "--max-versions", "2", "--seed", "7", "--schema", "cloudevents", "--duplicates", "0.25", "--shuffle", "5", "--timeout", "30", "--json", "--keep-running"]);

        Assert.Empty(result.Errors);
        Assert.Equal(3, result.GetValue(DemoCommand.SecretsOption));
        Assert.Equal(2, result.GetValue(DemoCommand.MaxVersionsOption));
        Assert.Equal(7, result.GetValue(DemoCommand.SeedOption));
        Assert.Equal(EventDeliverySchema.CloudEventSchemaV1_0, DemoCommand.ParseSchema(result.GetValue(DemoCommand.SchemaOption)!));
        Assert.Equal(0.25, result.GetValue(DemoCommand.DuplicatesOption));
        Assert.Equal(5, result.GetValue(DemoCommand.ShuffleOption));
        Assert.Equal(30, result.GetValue(DemoCommand.TimeoutOption));
        Assert.True(result.GetValue(DemoCommand.JsonOption));
        Assert.True(result.GetValue(DemoCommand.KeepRunningOption));
    }

    [Fact]
    public void Demo_defaults_are_twenty_secrets_of_up_to_five_versions_on_the_event_grid_schema()
    {
        ParseResult result = new KvrepDevRootCommand().Parse(["demo"]);

        Assert.Empty(result.Errors);
        Assert.Equal(20, result.GetValue(DemoCommand.SecretsOption));
        Assert.Equal(5, result.GetValue(DemoCommand.MaxVersionsOption));
        Assert.Null(result.GetValue(DemoCommand.SeedOption));
        Assert.Equal(EventDeliverySchema.EventGridSchema, DemoCommand.ParseSchema(result.GetValue(DemoCommand.SchemaOption)!));
        Assert.Equal(120, result.GetValue(DemoCommand.TimeoutOption));
    }

    [Fact]
    public void An_unknown_schema_is_a_parse_error()
    {
        Assert.NotEmpty(new KvrepDevRootCommand().Parse(["demo", "--schema", "xml"]).Errors);
    }

    [Theory]
    [InlineData("--duplicates", "1.5", "--duplicates")]
    [InlineData("--shuffle", "-1", "--shuffle")]
    [InlineData("--timeout", "0", "--timeout")]
    [InlineData("--secrets", "0", "--secrets")]
    [InlineData("--max-versions", "101", "--max-versions")]
    public async Task Out_of_range_values_are_refused_before_anything_starts(string option, string value, string named)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int exitCode = await new KvrepDevRootCommand().Parse(["demo", option, value])
            .InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null });

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        Assert.Contains(named, stderr.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("starting moto", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(stdout.ToString());
    }
}
