using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.Fakes;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that tells when code under test starts waiting on it, so a test advances
/// the clock exactly when a back-off delay is pending, never before the delay exists (which would be lost).
/// </summary>
internal sealed class TimerWatchingTimeProvider(DateTimeOffset start) : FakeTimeProvider(start)
{
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);
    private readonly Channel<TimeSpan> _created = Channel.CreateUnbounded<TimeSpan>();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        ITimer timer = base.CreateTimer(callback, state, dueTime, period);
        _created.Writer.TryWrite(dueTime);
        return timer;
    }

    /// <summary>Waits (boundedly, in real time) for the next timer created with a due time of at most <paramref name="longest"/>, and returns its due time.</summary>
    public async Task<TimeSpan> NextDelayAsync(TimeSpan longest, CancellationToken cancellationToken = default)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(s_bound);
        while (true)
        {
            TimeSpan due = await _created.Reader.ReadAsync(bound.Token).ConfigureAwait(false);
            if (due <= longest)
            {
                return due;
            }
        }
    }

    /// <summary>Lets every pending delay of at most <paramref name="longest"/> run out, one at a time, until <paramref name="task"/> completes.</summary>
    public async Task<T> RunDelaysUntilAsync<T>(Task<T> task, TimeSpan longest)
    {
        using var done = new CancellationTokenSource();
        while (!task.IsCompleted)
        {
            Task<TimeSpan> next = NextDelayAsync(longest, done.Token);
            if (await Task.WhenAny(task, next).ConfigureAwait(false) == next)
            {
                Advance(await next.ConfigureAwait(false));
            }
        }

        await done.CancelAsync().ConfigureAwait(false);
        return await task.ConfigureAwait(false);
    }
}
