using System.CommandLine;
using KvReplicator.Cli.Configuration;
using KvReplicator.Cli.Invocation;
using KvReplicator.Cli.Serve;
using KvReplicator.Preflight;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
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
            WebApplicationBuilder builder = ServeHost.CreateBuilder(
                [],
                configureServices: _configureServices,
                configureConfiguration: configuration => configuration.AddCommandSources(config)); // the environment still wins over the file
            if (parseResult.GetValue(UrlsOption) is { Length: > 0 } urls)
            {
                builder.WebHost.UseUrls(urls);
            }

            // A failure to start (an address in use) comes back to this command, which says it in one line; the host
            // would first log it as "Hosting failed to start" with a stack trace. A faulted background service that
            // stops the host is still logged, at Critical.
            builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.Critical);

            await using WebApplication app = ServeHost.Build(builder);

            // Settings and stores are checked before the host starts, which would report a failure as "Hosting failed
            // to start" with a stack trace: here each problem is one line naming the setting.
            app.Services.GetService<IStartupValidator>()?.Validate();
            if (app.Services.GetService<StorePreflight>() is { } preflight
                && CommandFailure.FromPreflight(await preflight.RunAsync(cancellationToken).ConfigureAwait(false)) is { } failure)
            {
                throw new CommandFailureException(failure);
            }

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            return ExitCodes.Success;
        }
        catch (ServeConfigurationException ex)
        {
            await error.WriteLineAsync($"kvrep serve: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
        {
            // Kestrel's message names the address, which is what to change (--urls, ASPNETCORE_URLS).
            await error.WriteLineAsync($"kvrep serve: {ex.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidConfiguration;
        }
        catch (Exception ex) when (CommandFailure.From(ex, cancellationToken) is { } failure)
        {
            await failure.WriteAsync(error, "serve").ConfigureAwait(false);
            return failure.ExitCode;
        }
    }
}
