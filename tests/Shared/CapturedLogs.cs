using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KvReplicator.Testing;

/// <summary>
/// A logger provider that keeps every rendered message, its structured values and any exception text, so
/// tests can prove that no secret value reached a log.
/// </summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _entries);

    public ILogger<T> CreateLogger<T>() => new Logger<T>(new SingleProviderFactory(this));

    /// <summary>Fails when any captured entry contains any of <paramref name="secretValues"/>.</summary>
    public void AssertContainsNone(IEnumerable<string> secretValues)
    {
        foreach (string value in secretValues.Where(v => v.Trim().Length >= 4))
        {
            string? leak = _entries.FirstOrDefault(e => e.Contains(value, StringComparison.Ordinal));
            Xunit.Assert.True(leak is null, $"a log entry contains a secret value: {leak?[..Math.Min(leak.Length, 200)]}");
        }
    }

    public void Dispose()
    {
    }

    private sealed class CapturingLogger(string category, ConcurrentQueue<string> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string values = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : string.Empty;
            string entry = $"{logLevel} {category}: {formatter(state, exception)} | {values} | {exception}";
            entries.Enqueue(entry);
            SecretLeakGuard.Capture($"log {category}", entry);
        }
    }

    private sealed class SingleProviderFactory(ILoggerProvider provider) : ILoggerFactory
    {
        public void AddProvider(ILoggerProvider loggerProvider)
        {
        }

        public ILogger CreateLogger(string categoryName) => provider.CreateLogger(categoryName);

        public void Dispose()
        {
        }
    }
}
