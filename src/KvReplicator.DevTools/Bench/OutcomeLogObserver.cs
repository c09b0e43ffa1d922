using KvReplicator.Replication;
using Microsoft.Extensions.Logging;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Reads the outcome <see cref="SecretReplicator"/> logs for every version (its structured "Replication
/// {Outcome}" line) and hands it to the probe of the delivery being served: over HTTP the response only says
/// "Completed", which does not tell a new version from a duplicate. Everything else is dropped, so the
/// bench's console stays quiet.
/// </summary>
internal sealed class OutcomeLogObserver(DeliveryProbes probes) : ILoggerProvider, ILogger
{
    private static readonly string s_category = typeof(SecretReplicator).FullName!;

    public ILogger CreateLogger(string categoryName) => categoryName == s_category ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (probes.Current is not { } probe || state is not IReadOnlyList<KeyValuePair<string, object?>> fields)
        {
            return;
        }

        object? outcome = fields.FirstOrDefault(field => field.Key == "Outcome").Value;
        if (outcome is ReplicationOutcomeKind kind)
        {
            probe.AddOutcome(kind, fields.FirstOrDefault(field => field.Key == "Reason").Value as string);
        }
    }

    public void Dispose()
    {
    }
}
