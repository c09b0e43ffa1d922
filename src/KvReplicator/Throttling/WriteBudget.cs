namespace KvReplicator.Throttling;

/// <summary>
/// One caller's own allowance of Secrets Manager write calls, on top of the process's
/// <see cref="WriteRateLimiter"/>. While an async flow runs inside <see cref="Enter"/>, every write call the
/// client sends from it (each attempt, retries included: AWS counts those against its quota too) first waits
/// for a turn of this budget and is then counted by operation. <c>kvrep sync</c> runs under one so that
/// <c>MaxWritesPerSecond</c> bounds, and its report counts, the calls AWS receives rather than the target
/// operations that made them (an adoption is a TagResource, a PutSecretValue and an UpdateSecret).
/// </summary>
/// <remarks>
/// The scope is ambient (an <see cref="AsyncLocal{T}"/>) because the calls are made several layers down, by
/// target methods whose signatures the event path shares; flows outside the scope (events handled by the same
/// process) are neither slowed nor counted. <see cref="SecretsManagerWriteThrottlingHandler"/> applies it.
/// </remarks>
internal sealed class WriteBudget
{
    private static readonly AsyncLocal<WriteBudgetScope?> s_current = new();

    private readonly WriteRateLimiter? _limiter;
    private readonly WriteTally _sent = new();

    /// <summary>A budget of <paramref name="writesPerSecond"/> calls a second, with as many allowed at once.</summary>
    public WriteBudget(int writesPerSecond, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(writesPerSecond, 1);
        ArgumentNullException.ThrowIfNull(timeProvider);

        // A caller's own budget only paces it: it never gives up, since the process limiter already bounds the wait of anyone sharing the quota.
        _limiter = new WriteRateLimiter(
            new WriteRateLimitOptions { PermitsPerSecond = writesPerSecond, Burst = writesPerSecond, MaxWait = TimeSpan.MaxValue },
            timeProvider);
    }

    private WriteBudget()
    {
    }

    /// <summary>
    /// A budget of no write at all: a call made under it fails before it reaches the wire. Dry runs use it, so
    /// that "a dry run writes nothing" holds even if a planning step were to call a writing method by mistake.
    /// </summary>
    public static WriteBudget None() => new();

    /// <summary>Write calls sent under this budget.</summary>
    public int Sent => _sent.Count;

    /// <summary>Write calls sent under this budget, by operation (e.g. <c>PutSecretValue</c>), in name order.</summary>
    public IReadOnlyDictionary<string, int> SentByOperation => _sent.ByOperation;

    /// <summary>Applies this budget to the calling flow until the result is disposed.</summary>
    public IDisposable Enter() => Push(new WriteBudgetScope(this, s_current.Value?.Tallies ?? []));

    /// <summary>
    /// Also counts the calling flow's write calls in <paramref name="tally"/> until the result is disposed, under
    /// whatever budget applies (sync counts each secret's calls as well as the run's).
    /// </summary>
    public static IDisposable Track(WriteTally tally)
    {
        ArgumentNullException.ThrowIfNull(tally);
        WriteBudgetScope? current = s_current.Value;
        return Push(new WriteBudgetScope(current?.Budget, [.. current?.Tallies ?? [], tally]));
    }

    /// <summary>Waits for the turn of a write call made under a budget; returns at once outside any budget.</summary>
    /// <exception cref="InvalidOperationException">The flow runs under <see cref="None"/>.</exception>
    internal static async ValueTask WaitForTurnAsync(string operation, CancellationToken cancellationToken)
    {
        if (s_current.Value?.Budget is not { } budget)
        {
            return;
        }

        if (budget._limiter is not { } limiter)
        {
            throw new InvalidOperationException($"A dry run tried to send the write call {operation}; nothing was sent.");
        }

        await limiter.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Counts a write call that is about to go on the wire under the flow's budget, if any.</summary>
    internal static void CountSent(string operation)
    {
        if (s_current.Value is not { } scope)
        {
            return;
        }

        scope.Budget?._sent.Add(operation);
        foreach (WriteTally tally in scope.Tallies)
        {
            tally.Add(operation);
        }
    }

    private static IDisposable Push(WriteBudgetScope scope)
    {
        WriteBudgetScope? previous = s_current.Value;
        s_current.Value = scope;
        return new Exit(previous);
    }

    private sealed record WriteBudgetScope(WriteBudget? Budget, IReadOnlyList<WriteTally> Tallies);

    private sealed class Exit(WriteBudgetScope? previous) : IDisposable
    {
        public void Dispose() => s_current.Value = previous;
    }
}
