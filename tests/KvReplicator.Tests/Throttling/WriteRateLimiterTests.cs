using KvReplicator.Replication;
using KvReplicator.Throttling;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.Throttling;

public sealed class WriteRateLimiterTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task The_burst_passes_at_once_and_the_next_write_waits_for_its_token()
    {
        var limiter = Limiter(permitsPerSecond: 2, burst: 3);

        for (int i = 0; i < 3; i++)
        {
            Assert.True(limiter.WaitAsync().IsCompletedSuccessfully);
        }

        Task fourth = limiter.WaitAsync().AsTask();
        Assert.False(fourth.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(fourth.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await fourth.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Waiters_are_served_in_arrival_order_at_the_sustained_rate()
    {
        var limiter = Limiter(permitsPerSecond: 10, burst: 1);
        await limiter.WaitAsync();

        Task[] waiters = [.. Enumerable.Range(0, 5).Select(_ => limiter.WaitAsync().AsTask())];
        for (int i = 0; i < waiters.Length; i++)
        {
            Assert.All(waiters[i..], w => Assert.False(w.IsCompleted));
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await waiters[i].WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task A_quiet_period_refills_the_bucket_up_to_the_burst_only()
    {
        var limiter = Limiter(permitsPerSecond: 5, burst: 2);
        await limiter.WaitAsync();
        await limiter.WaitAsync();

        _time.Advance(TimeSpan.FromMinutes(10));

        Assert.True(limiter.WaitAsync().IsCompletedSuccessfully);
        Assert.True(limiter.WaitAsync().IsCompletedSuccessfully);
        Assert.False(limiter.WaitAsync().IsCompleted);
    }

    [Fact]
    public async Task A_turn_further_away_than_the_longest_wait_fails_as_transient_without_taking_a_token()
    {
        var limiter = Limiter(permitsPerSecond: 1, burst: 1, maxWait: TimeSpan.FromSeconds(2));
        await limiter.WaitAsync();
        Task second = limiter.WaitAsync().AsTask();
        Task third = limiter.WaitAsync().AsTask();

        var refused = await Assert.ThrowsAsync<SecretStoreException>(() => limiter.WaitAsync().AsTask());

        Assert.True(refused.IsTransient);
        Assert.Equal(WriteRateLimiter.RateLimitedErrorCode, refused.ErrorCode);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Task.WhenAll(second, third).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_cancelled_waiter_gives_its_turn_back()
    {
        var limiter = Limiter(permitsPerSecond: 1, burst: 1);
        await limiter.WaitAsync();
        using var cancellation = new CancellationTokenSource();
        Task cancelled = limiter.WaitAsync(cancellation.Token).AsTask();

        cancellation.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        Task next = limiter.WaitAsync().AsTask();
        _time.Advance(TimeSpan.FromSeconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private WriteRateLimiter Limiter(double permitsPerSecond, int burst, TimeSpan? maxWait = null) =>
        new(new WriteRateLimitOptions { PermitsPerSecond = permitsPerSecond, Burst = burst, MaxWait = maxWait ?? TimeSpan.FromSeconds(30) }, _time);
}
