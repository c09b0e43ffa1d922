using System.CommandLine;
using KvReplicator.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace KvReplicator.Cli.Configuration;

/// <summary>
/// How every <c>kvrep</c> verb that talks to the clouds is configured: the <c>--config</c> JSON file with the
/// <c>KvReplicator:*</c> sections, overridden by environment variables (<c>KvReplicator__SecretsManager__Region</c>),
/// and how configuration errors are shown. One place, so serve, sync, verify and replay read settings the same way.
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

    /// <summary>The file (when given) and then the environment, built.</summary>
    public static IConfigurationRoot Build(FileInfo? config) => new ConfigurationBuilder().AddCommandSources(config).Build();

    /// <summary>
    /// Builds the replicator's services for a one-shot command and validates every options class now, as a
    /// host does at start, so a missing setting is reported before any work starts.
    /// </summary>
    /// <param name="configuration">Usually <see cref="Build"/>.</param>
    /// <param name="configureServices">Registers the replicator in place of <see cref="KvReplicatorServiceCollectionExtensions.AddKvReplicator"/>; tests point it at the local cloud or at mocks.</param>
    /// <exception cref="OptionsValidationException">A setting is missing or invalid (possibly inside an <see cref="AggregateException"/>).</exception>
    public static ServiceProvider CreateServices(IConfiguration configuration, Action<IServiceCollection, IConfiguration>? configureServices)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var services = new ServiceCollection();

        // Diagnostics go to stderr, so that stdout carries only the command's data.
        services.AddLogging(logging => logging
            .SetMinimumLevel(LogLevel.Warning)
            .AddSimpleConsole(console => console.SingleLine = true)
            .AddFilter("System.Net.Http.HttpClient", LogLevel.Warning));
        services.Configure<ConsoleLoggerOptions>(console => console.LogToStandardErrorThreshold = LogLevel.Trace);

        if (configureServices is null)
        {
            services.AddKvReplicator(configuration);
        }
        else
        {
            configureServices(services, configuration);
        }

        ServiceProvider provider = services.BuildServiceProvider();
        try
        {
            provider.GetService<IStartupValidator>()?.Validate();
        }
        catch
        {
            provider.Dispose();
            throw;
        }

        return provider;
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
