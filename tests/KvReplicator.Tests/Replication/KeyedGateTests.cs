using KvReplicator.Replication;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.Replication;

public sealed class KeyedGateTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_bound = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly KeyedGate _gate = new();

    [Fact]
    public async Task The_gate_of_a_key_admits_one_holder_at_a_time()
    {
        IDisposable first = (await _gate.TryEnterAsync("kv/db", s_wait, _time, CancellationToken.None))!;

        Task<IDisposable?> second = _gate.TryEnterAsync("kv/db", s_wait, _time, CancellationToken.None);
        Assert.False(second.IsCompleted);

        first.Dispose();
        first.Dispose(); // twice is harmless: the gate is released once
        IDisposable secondHolder = (await second.WaitAsync(s_bound))!;
        Task<IDisposable?> third = _gate.TryEnterAsync("kv/db", s_wait, _time, CancellationToken.None);
        Assert.False(third.IsCompleted);
        secondHolder.Dispose();
        (await third.WaitAsync(s_bound))!.Dispose();
        (await _gate.TryEnterAsync("kv/db", s_wait, _time, CancellationToken.None).WaitAsync(s_bound))!.Dispose();
    }

    [Fact]
    public async Task Keys_do_not_wait_for_each_other()
    {
        using IDisposable? held = await _gate.TryEnterAsync("kv/db", s_wait, _time, CancellationToken.None);

        Task<IDisposable?> other = _gate.TryEnterAsync("kv/other", s_wait, _time, CancellationToken.None);

        Assert.True(other.IsCompletedSuccessfully);
        (await other)!.Dispose();
    }

    [Fact]
    public async Task A_wait_that_runs_out_returns_null_and_leaves_the_holder_alone()
    {
        IDisposable holder = (await _gate.TryEnterAsync("kv/db", s_wait, _time, CancellationToken.None))!;
        Task<IDisposable?> waiting = _gate.TryEnterAsync("kv/db", s_wait, _time, CancellationToken.None);

        _time.Advance(s_wait - TimeSpan.FromMilliseconds(1));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Null(await waiting.WaitAsync(s_bound));
        Task<IDisposable?> next = _gate.TryEnterAsync("kv/db", s_wait, _time, CancellationToken.None);
        Assert.False(next.IsCompleted); // the holder still holds it
        holder.Dispose();
        (await next.WaitAsync(s_bound))!.Dispose();
    }

    [Fact]
    public async Task A_cancelled_wait_throws_and_frees_its_place()
    {
        using IDisposable? holder = await _gate.TryEnterAsync("kv/db", s_wait, _time, CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        Task<IDisposable?> waiting = _gate.TryEnterAsync("kv/db", s_wait, _time, cancellation.Token);

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(s_bound));
    }
}
