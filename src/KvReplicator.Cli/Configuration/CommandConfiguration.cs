using System.CommandLine;
using KvReplicator.Cli.Invocation;
using KvReplicator.DependencyInjection;
using KvReplicator.Preflight;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace KvReplicator.Cli.Configuration;

/// <summary>
/// How every <c>kvrep</c> verb that talks to the clouds is configured: the <c>--config</c> JSON file with the
/// <c>KvReplicator:*</c> sections, overridden by environment variables (<c>KvReplicator__SecretsManager__Region</c>),
/// and how configuration errors are shown. One place, so every verb reads settings and reports them the same way.
/// </summary>
internal static class CommandConfiguration
{
    public static Option<FileInfo> CreateConfigOption() => new("--config")
    {
        Description = "A JSON configuration file with the KvReplicator:* sections; environment variables (KvReplicator__SecretsManager__Region) override it.",
    };

    /// <summary>Adds the file (when given) and then the environment, which wins over the file.</summary>
    /// <exception cref="ConfigurationFileException">The builder loads at once (a <see cref="ConfigurationManager"/>) and the file is not valid JSON.</exception>
    public static IConfigurationBuilder AddCommandSources(this IConfigurationBuilder builder, FileInfo? config)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (config is not null)
        {
            try
            {
                builder.AddJsonFile(config.FullName, optional: false, reloadOnChange: false);
            }
            catch (InvalidDataException exception)
            {
                throw ConfigurationFileException.From(config, exception);
            }
        }

        return builder.AddEnvironmentVariables();
    }

    /// <summary>The file (when given) and then the environment, built.</summary>
    /// <exception cref="ConfigurationFileException">The file is not valid JSON.</exception>
    public static IConfigurationRoot Build(FileInfo? config)
    {
        try
        {
            return new ConfigurationBuilder().AddCommandSources(config).Build();
        }
        catch (InvalidDataException exception) when (config is not null)
        {
            throw ConfigurationFileException.From(config, exception);
        }
    }

    /// <summary>
    /// Builds the replicator's services for a one-shot command and validates every options class now, as a
    /// host does at start, so a missing setting is reported before any work starts.
    /// </summary>
    /// <param name="configuration">Usually <see cref="Build"/>.</param>
    /// <param name="role">What the verb does, which decides the stores it registers and so the settings it demands.</param>
    /// <param name="configureServices">Registers the replicator in place of <see cref="KvReplicatorServiceCollectionExtensions.AddKvReplicator(IServiceCollection, IConfiguration, KvReplicatorRole)"/>; tests point it at the local cloud or at mocks.</param>
    /// <exception cref="OptionsValidationException">A setting is missing or invalid (possibly inside an <see cref="AggregateException"/>).</exception>
    public static ServiceProvider CreateServices(IConfiguration configuration, KvReplicatorRole role, Action<IServiceCollection, IConfiguration>? configureServices)
    {
        ServiceProvider provider = Compose(configuration, role, configureServices);
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

    /// <summary>The services of <see cref="CreateServices"/> before any setting is validated (<c>kvrep doctor</c> validates them itself).</summary>
    public static ServiceProvider Compose(IConfiguration configuration, KvReplicatorRole role, Action<IServiceCollection, IConfiguration>? configureServices)
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
            services.AddKvReplicator(configuration, role);
        }
        else
        {
            configureServices(services, configuration);
        }

        return services.BuildServiceProvider();
    }

    /// <summary>
    /// <see cref="CreateServices"/>, then the preflight: every store the verb uses answers one cheap call before
    /// any work starts, so a verb fails in one line rather than half-way.
    /// </summary>
    /// <exception cref="CommandFailureException">A store failed its check; the failure says which setting to fix.</exception>
    public static async Task<ServiceProvider> StartAsync(
        IConfiguration configuration, KvReplicatorRole role, Action<IServiceCollection, IConfiguration>? configureServices, CancellationToken cancellationToken)
    {
        ServiceProvider provider = CreateServices(configuration, role, configureServices);
        try
        {
            // A caller that registers its own pipeline (tests with in-memory stores) may have nothing to check.
            if (provider.GetService<StorePreflight>() is { } preflight
                && CommandFailure.FromPreflight(await preflight.RunAsync(cancellationToken).ConfigureAwait(false)) is { } failure)
            {
                throw new CommandFailureException(failure);
            }

            return provider;
        }
        catch
        {
            await provider.DisposeAsync().ConfigureAwait(false);
            throw;
        }
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
    /// The lines that say what is wrong with the configuration, when <paramref name="exception"/> means it is wrong:
    /// validation messages (they name settings, never values), a setting of the wrong type (its path and type,
    /// not its value), a configuration file that is not valid JSON (line and position); null otherwise.
    /// </summary>
    public static IReadOnlyList<string>? Describe(Exception exception) => exception switch
    {
        ConfigurationFileException file => [file.Message],
        OptionsValidationException validation => [.. validation.Failures],
        AggregateException aggregate when aggregate.InnerExceptions.Count > 0 && aggregate.InnerExceptions.All(inner => Describe(inner) is not null)
            => [.. aggregate.InnerExceptions.SelectMany(inner => Describe(inner)!)],
        _ when StorePreflight.SettingsError(exception) is { } setting => [setting],
        _ => null,
    };
}
