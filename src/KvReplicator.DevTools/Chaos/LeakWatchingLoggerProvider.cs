using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KvReplicator.DevTools.Chaos;

/// <summary>
/// Renders every log entry of the run (message, structured values, exception) and counts those that carry
/// a secret value. Every value the run creates starts with one marker, so one search per entry finds any.
/// Keeps each entry's message (values never reach a message the leak count passes) so that a finding can be
/// explained by what the handlers said about its version.
/// </summary>
internal sealed class LeakWatchingLoggerProvider(string valueMarker) : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _messages = new();
    private long _entries;
    private long _leaks;

    public long Entries => Interlocked.Read(ref _entries);

    public long Leaks => Interlocked.Read(ref _leaks);

    public ILogger CreateLogger(string categoryName) => new WatchingLogger(this);

    /// <summary>The messages that name <paramref name="text"/> (e.g. a version id), oldest first.</summary>
    public IEnumerable<string> Mentioning(string text) => _messages.Where(message => message.Contains(text, StringComparison.OrdinalIgnoreCase));

    public void Dispose()
    {
    }

    private void Inspect(string message, string rendered)
    {
        Interlocked.Increment(ref _entries);
        if (rendered.Contains(valueMarker, StringComparison.Ordinal))
        {
            Interlocked.Increment(ref _leaks);
            return;
        }

        _messages.Enqueue(message);
    }

    private sealed class WatchingLogger(LeakWatchingLoggerProvider provider) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}")) : string.Empty;
            string message = formatter(state, exception);
            provider.Inspect(exception is null ? message : $"{message} ({exception.GetType().Name})", $"{message} | {values} | {exception}");
        }
    }
}
