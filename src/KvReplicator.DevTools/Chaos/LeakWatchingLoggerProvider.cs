using Microsoft.Extensions.Logging;

namespace KvReplicator.DevTools.Chaos;

/// <summary>
/// Renders every log entry of the run (message, structured values, exception) and counts those that carry
/// a secret value. Every value the run creates starts with one marker, so one search per entry finds any.
/// </summary>
internal sealed class LeakWatchingLoggerProvider(string valueMarker) : ILoggerProvider
{
    private long _entries;
    private long _leaks;

    public long Entries => Interlocked.Read(ref _entries);

    public long Leaks => Interlocked.Read(ref _leaks);

    public ILogger CreateLogger(string categoryName) => new WatchingLogger(this);

    public void Dispose()
    {
    }

    private void Inspect(string rendered)
    {
        Interlocked.Increment(ref _entries);
        if (rendered.Contains(valueMarker, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _leaks);
        }
    }

    private sealed class WatchingLogger(LeakWatchingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            provider.Inspect($"{formatter(state, exception)} | {values} | {exception}");
        }
    }
}
