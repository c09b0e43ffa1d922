using System.CommandLine;
using KvReplicator.Cli.Configuration;
using KvReplicator.Cli.Invocation;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.Cli.Commands;

/// <summary>
/// What the verbs that look and report share (<c>status</c>, <c>doctor</c>, <c>sync</c>, <c>verify</c>):
/// <c>--config</c> and <c>--json</c>, one run that produces a report, an expected failure as one line per problem
/// on stderr with its exit code (<see cref="CommandFailure"/>), the report as a table or JSON on stdout, and the
/// exit code the report earns. A verb says only how it makes its report, how it writes it, and what it earns.
/// </summary>
internal abstract class ReportCommand<TReport> : Command
{
    internal static readonly Option<FileInfo> ConfigOption = CommandConfiguration.CreateConfigOption();

    internal static readonly Option<bool> JsonOption = new("--json") { Description = "Write the report as JSON on stdout." };

    /// <param name="configureServices">Registers services before the replicator; tests use it to supply emulator credentials.</param>
    protected ReportCommand(string name, string description, Action<IServiceCollection>? configureServices)
        : base(name, description)
    {
        ConfigureServices = configureServices;
        Options.Add(ConfigOption);
        Options.Add(JsonOption);
        SetAction(ExecuteAsync);
    }

    protected Action<IServiceCollection>? ConfigureServices { get; }

    /// <summary>False for a verb that reports a missing configuration file in its own report (doctor's checklist).</summary>
    protected virtual bool RequiresConfigurationFile => true;

    /// <summary>Makes the report; an exception <see cref="Describe"/> or <see cref="CommandFailure.From"/> knows is an expected failure.</summary>
    protected abstract Task<TReport> ProduceAsync(ParseResult parseResult, FileInfo? config, CancellationToken cancellationToken);

    protected abstract Task WriteJsonAsync(TReport report, TextWriter output);

    protected abstract void WriteTable(TReport report, TextWriter output);

    protected abstract int ExitCodeFor(TReport report);

    /// <summary>A failure the verb words its own way; null leaves it to <see cref="CommandFailure.From"/>.</summary>
    protected virtual CommandFailure? Describe(Exception exception) => null;

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        TextWriter output = parseResult.InvocationConfiguration.Output;
        TextWriter error = parseResult.InvocationConfiguration.Error;
        FileInfo? config = parseResult.GetValue(ConfigOption);
        if (RequiresConfigurationFile && await CommandConfiguration.ReportMissingFileAsync(config, error, Name).ConfigureAwait(false))
        {
            return ExitCodes.InvalidConfiguration;
        }

        TReport report;
        try
        {
            report = await ProduceAsync(parseResult, config, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when ((Describe(ex) ?? CommandFailure.From(ex, cancellationToken)) is { } failure)
        {
            await failure.WriteAsync(error, Name).ConfigureAwait(false);
            return failure.ExitCode;
        }

        if (parseResult.GetValue(JsonOption))
        {
            await WriteJsonAsync(report, output).ConfigureAwait(false);
        }
        else
        {
            WriteTable(report, output);
        }

        return ExitCodeFor(report);
    }
}
