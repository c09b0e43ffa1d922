using KvReplicator.Preflight;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KvReplicator.Functions;

/// <summary>
/// Asks every configured store for one cheap answer when the worker starts (<see cref="StorePreflight"/>). A
/// wrong certificate pin, a missing role or an unreachable endpoint stops the worker at once, with one log line
/// per failed check naming the setting, instead of failing (and dead-lettering) every event that arrives.
/// </summary>
internal sealed partial class PreflightOnStart(StorePreflight preflight, ILogger<PreflightOnStart> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        PreflightReport report = await preflight.RunAsync(cancellationToken).ConfigureAwait(false);
        foreach (PreflightCheck failed in report.Failures)
        {
            LogFailed(failed.Store, failed.Target, failed.Detail);
        }

        if (!report.Passed)
        {
            throw new PreflightFailedException(report);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1200, Level = LogLevel.Critical, Message = "Preflight: {Store} [{Target}] failed: {Detail}")]
    private partial void LogFailed(string store, string target, string detail);
}
