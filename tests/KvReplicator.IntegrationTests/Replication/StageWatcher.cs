using System.Collections.Concurrent;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// Polls the staging labels of a few Secrets Manager secrets at a fixed interval, as a consumer re-reading
/// AWSCURRENT would, and keeps every change of AWSCURRENT and AWSPREVIOUS it saw, in order. DescribeSecret
/// shows both labels in one answer and carries no value.
/// </summary>
internal sealed class StageWatcher : IAsyncDisposable
{
    private const string Current = "AWSCURRENT";
    private const string Previous = "AWSPREVIOUS";

    private readonly SecretsManagerClient _aws;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, Seen> _seen = new(StringComparer.Ordinal);
    private readonly Task[] _loops;
    private int _samples;
    private int _failures;
    private int _torn;

    private StageWatcher(SecretsManagerClient aws, IReadOnlyList<string> targetNames, TimeSpan interval)
    {
        _aws = aws;
        foreach (string name in targetNames)
        {
            _seen[name] = new Seen();
        }

        _loops = [.. targetNames.Select(name => Task.Run(() => WatchAsync(name, interval)))];
    }

    /// <summary>Descriptions read, over all secrets.</summary>
    public int Samples => Volatile.Read(ref _samples);

    /// <summary>Descriptions that failed (the secret not created yet, or moto busy); they show nothing.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>
    /// Descriptions that showed a label on two versions at once: moto serialises a secret while another
    /// request moves its labels, so one answer can mix the state before and after a move. Left out.
    /// </summary>
    public int Torn => Volatile.Read(ref _torn);

    public static StageWatcher Start(SecretsManagerClient aws, IReadOnlyList<string> targetNames, TimeSpan interval) => new(aws, targetNames, interval);

    /// <summary>Every version seen holding AWSCURRENT, in the order seen, repeats of the last one left out.</summary>
    public IReadOnlyList<string> CurrentSeen(string targetName) => _seen[targetName].Snapshot(current: true);

    /// <summary>Every version seen holding AWSPREVIOUS, in the order seen, repeats of the last one left out.</summary>
    public IReadOnlyList<string> PreviousSeen(string targetName) => _seen[targetName].Snapshot(current: false);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
        _stop.Dispose();
    }

    private async Task WatchAsync(string targetName, TimeSpan interval)
    {
        Seen seen = _seen[targetName];
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                IReadOnlyDictionary<string, IReadOnlyList<string>>? stages;
                try
                {
                    stages = (await _aws.DescribeSecretAsync(new DescribeSecretRequest { SecretId = targetName }, _stop.Token)).VersionIdsToStages;
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !_stop.IsCancellationRequested)
                {
                    Interlocked.Increment(ref _failures);
                    continue;
                }

                Interlocked.Increment(ref _samples);
                string[] current = Holders(stages, Current);
                string[] previous = Holders(stages, Previous);
                if (current.Length > 1 || previous.Length > 1)
                {
                    Interlocked.Increment(ref _torn);
                    continue;
                }

                seen.Add(current.SingleOrDefault(), previous.SingleOrDefault());
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
    }

    private static string[] Holders(IReadOnlyDictionary<string, IReadOnlyList<string>>? stages, string label) =>
        stages is null ? [] : [.. stages.Where(pair => pair.Value.Contains(label)).Select(pair => pair.Key)];

    private sealed class Seen
    {
        private readonly List<string> _current = [];
        private readonly List<string> _previous = [];

        public void Add(string? current, string? previous)
        {
            lock (this)
            {
                Append(_current, current);
                Append(_previous, previous);
            }
        }

        public IReadOnlyList<string> Snapshot(bool current)
        {
            lock (this)
            {
                return [.. current ? _current : _previous];
            }
        }

        private static void Append(List<string> seen, string? version)
        {
            // A label missing from one answer is a move in progress (moto takes it off, then puts it on).
            if (version is not null && (seen.Count == 0 || !string.Equals(seen[^1], version, StringComparison.OrdinalIgnoreCase)))
            {
                seen.Add(version);
            }
        }
    }
}
