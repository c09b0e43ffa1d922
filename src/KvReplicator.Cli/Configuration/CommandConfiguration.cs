using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace KvReplicator.Cli.Configuration;

/// <summary>
/// How every <c>kvrep</c> verb that talks to the clouds is configured: the <c>--config</c> JSON file with the
/// <c>KvReplicator:*</c> sections, overridden by environment variables (<c>KvReplicator__SecretsManager__Region</c>),
/// and how configuration errors are shown. One place, so serve, sync and verify read settings the same way.
/// </summary>
internal static class CommandConfiguration
{
    public static Option<FileInfo> CreateConfigOption() => new("--config")
    {
        Description = "A JSON configuration file with the KvReplicator:* sections; environment variables (KvReplicator__SecretsManager__Region) override it.",
    };

    /// <summary>Adds the file (when given) and then the environment, which wins over the file.</summary>
    public static IConfigurationBuilder AddCommandSources(this IConfigurationBuilder builder, FileInfo? config)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (config is not null)
        {
            builder.AddJsonFile(config.FullName, optional: false, reloadOnChange: false);
        }

        return builder.AddEnvironmentVariables();
    }

    /// <summary>Writes the error and returns true when the file was given but does not exist.</summary>
    public static async Task<bool> ReportMissingFileAsync(FileInfo? config, TextWriter error, string verb)
    {
        if (config is null || config.Exists)
        {
            return false;
        }

        await error.WriteLineAsync($"kvrep {verb}: configuration file '{config.FullName}' does not exist.").ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// True for the exceptions that mean "the configuration is wrong": their messages name settings, never
    /// their values, so they are shown as they are.
    /// </summary>
    public static bool IsConfigurationError(Exception exception) =>
        exception is OptionsValidationException or InvalidDataException or FormatException
        || (exception is AggregateException aggregate && aggregate.InnerExceptions.All(inner => inner is OptionsValidationException));

    /// <summary>Writes each configuration error on its own line (start-up validation reports them all at once).</summary>
    public static async Task ReportAsync(Exception exception, TextWriter error, string verb)
    {
        IEnumerable<Exception> errors = exception is AggregateException aggregate ? aggregate.InnerExceptions : [exception];
        foreach (Exception inner in errors)
        {
            await error.WriteLineAsync($"kvrep {verb}: {inner.Message}").ConfigureAwait(false);
        }
    }
}
