using KvReplicator.DependencyInjection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace KvReplicator.Cli.Configuration;

/// <summary>
/// The replicator's configuration and services for the one-shot commands (<c>replay</c>, …), read the way
/// <c>kvrep serve</c> reads it: the <c>--config</c> JSON file with the <c>KvReplicator:*</c> sections, then
/// environment variables (<c>KvReplicator__Ledger__ContainerName</c>), which win.
/// </summary>
internal static class ReplicatorConfiguration
{
    /// <exception cref="FileNotFoundException">The configuration file does not exist.</exception>
    public static IConfigurationRoot Build(FileInfo? configFile)
    {
        var builder = new ConfigurationBuilder();
        if (configFile is not null)
        {
            if (!configFile.Exists)
            {
                throw new FileNotFoundException($"configuration file '{configFile.FullName}' does not exist.", configFile.FullName);
            }

            builder.AddJsonFile(configFile.FullName, optional: false, reloadOnChange: false);
        }

        return builder.AddEnvironmentVariables().Build();
    }

    /// <summary>
    /// Builds the replicator's services and validates every options class now, as a host does at start, so
    /// a missing setting is reported before any work starts.
    /// </summary>
    /// <param name="configureServices">Registers the replicator; null uses <see cref="KvReplicatorServiceCollectionExtensions.AddKvReplicator"/>. Tests point it at the local cloud.</param>
    /// <exception cref="OptionsValidationException">A setting is missing or invalid (possibly inside an <see cref="AggregateException"/>).</exception>
    public static ServiceProvider CreateServices(IConfiguration configuration, Action<IServiceCollection, IConfiguration>? configureServices, LogLevel minimumLevel = LogLevel.Warning)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var services = new ServiceCollection();

        // Diagnostics go to stderr, so that stdout carries only the command's data.
        services.AddLogging(logging => logging
            .SetMinimumLevel(minimumLevel)
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
}
