using System.CommandLine;
using KvReplicator.Cli.Configuration;
using KvReplicator.Cli.Serve;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace KvReplicator.Cli.Commands;

/// <summary><c>kvrep serve</c>: runs the replicator behind an Event Grid webhook until stopped.</summary>
internal sealed class ServeCommand : Command
{
    internal static readonly Option<string[]> UrlsOption = new("--urls")
    {
        Description = "Addresses to listen on, e.g. http://127.0.0.1:5080 (default: ASPNETCORE_URLS or http://localhost:5000).",
        AllowMultipleArgumentsPerToken = true,
    };

    internal static readonly Option<FileInfo> ConfigOption = CommandConfiguration.CreateConfigOption();

    private readonly Action<IServiceCollection>? _configureServices;

    /// <param name="configureServices">Registers services before start; tests use it to supply the pipeline.</param>
    public ServeCommand(Action<IServiceCollection>? configureServices = null)
        : base("serve", "Receive Event Grid deliveries over HTTP and replicate each new secret version.")
    {
        _configureServices = configureServices;
        Options.Add(UrlsOption);
        Options.Add(ConfigOption);
        SetAction(ExecuteAsync);
    }

    private async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        TextWriter error = parseResult.InvocationConfiguration.Error;
        FileInfo? config = parseResult.GetValue(ConfigOption);
        if (await CommandConfiguration.ReportMissingFileAsync(config, error, "serve").ConfigureAwait(false))
        {
            return ExitCodes.InvalidConfiguration;
        }

        try
        {
            WebApplicationBuilder builder = ServeHost.CreateBuilder([], configureServices: _configureServices);
            if (config is not null)
            {
                builder.Configuration.AddCommandSources(config); // the environment still wins over the file
            }

            if (parseResult.GetValue(UrlsOption) is { Length: > 0 } urls)
            {
                builder.WebHost.UseUrls(urls);
            }

            await using WebApplication app = ServeHost.Build(builder);
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (Exception ex) when (ex is ServeConfigurationException || CommandConfiguration.IsConfigurationError(ex))
        {
            await CommandConfiguration.ReportAsync(ex, error, "serve").ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Cancelled;
        }
    }
}
