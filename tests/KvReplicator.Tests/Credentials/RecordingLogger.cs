using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KvReplicator.Tests.Credentials;

/// <summary>Keeps every formatted log line (and exception text) so tests can assert what was, and was not, logged.</summary>
internal sealed class RecordingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Text)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Text)> Entries => [.. _entries];

    public string AllText => string.Join('\n', _entries.Select(entry => entry.Text));

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((logLevel, formatter(state, exception) + (exception is null ? string.Empty : "\n" + exception)));
}
