using System.Diagnostics;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Samples the process's working set and the thread pool's size in the background, so the report has a
/// peak for the run and for each phase rather than a single end-of-run reading.
/// </summary>
internal sealed class ResourceSampler : IAsyncDisposable
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(50);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peakWorkingSet;
    private int _maxThreads;

    public ResourceSampler()
    {
        Sample();
        _loop = Task.Run(SampleUntilStoppedAsync);
    }

    public long PeakWorkingSetBytes => Interlocked.Read(ref _peakWorkingSet);

    /// <summary>The largest thread pool seen since the last call, then starts a new window.</summary>
    public int TakeMaxThreadPoolThreads()
    {
        Sample();
        return Interlocked.Exchange(ref _maxThreads, ThreadPool.ThreadCount);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        Sample();
    }

    private async Task SampleUntilStoppedAsync()
    {
        using var timer = new PeriodicTimer(s_interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                Sample();
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    private void Sample()
    {
        using Process process = Process.GetCurrentProcess();
        long workingSet = Math.Max(process.WorkingSet64, process.PeakWorkingSet64);
        long seen;
        while (workingSet > (seen = Interlocked.Read(ref _peakWorkingSet)) && Interlocked.CompareExchange(ref _peakWorkingSet, workingSet, seen) != seen)
        {
        }

        int threads = ThreadPool.ThreadCount;
        int max;
        while (threads > (max = Volatile.Read(ref _maxThreads)) && Interlocked.CompareExchange(ref _maxThreads, threads, max) != max)
        {
        }
    }
}
