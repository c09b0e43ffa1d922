using KvReplicator.Credentials;
using KvReplicator.Replication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.Credentials;

public sealed class RefreshingCredentialSourceTests
{
    private static readonly DateTimeOffset s_start = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(s_start);
    private readonly RecordingLogger<RefreshingCredentialSourceTests> _logger = new();

    [Fact]
    public async Task Credentials_are_fetched_once_and_cached()
    {
        ScriptedCredentialSource source = HourLong();

        AwsCredentials first = await source.GetCredentialsAsync();
        AwsCredentials second = await source.GetCredentialsAsync();

        Assert.Same(first, second);
        Assert.Equal(1, source.Fetches);
    }

    [Fact]
    public async Task Fifty_concurrent_callers_share_one_fetch()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new ScriptedCredentialSource(
            async n =>
            {
                await release.Task;
                return ScriptedCredentialSource.Credentials(n, s_start.AddHours(1));
            },
            TimeSpan.FromMinutes(5), _clock, _logger);

        using var allWaiting = new CountdownEvent(50);
        Task<AwsCredentials>[] callers = Enumerable.Range(0, 50).Select(_ => Task.Run(async () =>
        {
            // GetCredentialsAsync returns once the caller waits on a fetch; the fetch is held until all 50 do.
            ValueTask<AwsCredentials> call = source.GetCredentialsAsync();
            allWaiting.Signal();
            return await call;
        })).ToArray();
        await Task.Run(() => allWaiting.Wait(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, allWaiting.CurrentCount);
        release.SetResult();
        AwsCredentials[] results = await Task.WhenAll(callers);

        Assert.Equal(1, source.Fetches);
        Assert.All(results, credentials => Assert.Equal("AKID1", credentials.AccessKey));
    }

    [Fact]
    public async Task Credentials_are_refreshed_once_the_margin_before_expiry_is_reached()
    {
        ScriptedCredentialSource source = HourLong();
        await source.GetCredentialsAsync();

        _clock.Advance(TimeSpan.FromMinutes(54) + TimeSpan.FromSeconds(59));
        AwsCredentials beforeMargin = await source.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromSeconds(1));
        AwsCredentials atMargin = await source.GetCredentialsAsync();

        Assert.Equal("AKID1", beforeMargin.AccessKey);
        Assert.Equal("AKID2", atMargin.AccessKey);
        Assert.Equal(2, source.Fetches);
    }

    [Fact]
    public async Task A_margin_longer_than_half_the_lifetime_is_capped_so_short_sessions_are_not_refetched_every_call()
    {
        var source = new ScriptedCredentialSource(
            n => Task.FromResult(ScriptedCredentialSource.Credentials(n, _clock.GetUtcNow().AddMinutes(10))), TimeSpan.FromMinutes(30), _clock, _logger);

        await source.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromMinutes(4));
        await source.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromMinutes(1));
        await source.GetCredentialsAsync();

        Assert.Equal(2, source.Fetches);
    }

    [Fact]
    public async Task A_failed_early_refresh_keeps_the_still_valid_credentials_and_warns()
    {
        var source = new ScriptedCredentialSource(
            n => n == 1
                ? Task.FromResult(ScriptedCredentialSource.Credentials(n, s_start.AddHours(1)))
                : Task.FromException<ExpiringCredentials>(new SecretStoreException("backend down", isTransient: true, "ServiceUnavailable")),
            TimeSpan.FromMinutes(5), _clock, _logger);
        await source.GetCredentialsAsync();

        _clock.Advance(TimeSpan.FromMinutes(56));
        AwsCredentials kept = await source.GetCredentialsAsync();

        Assert.Equal("AKID1", kept.AccessKey);
        Assert.Equal(2, source.Fetches);
        (LogLevel level, string text) = Assert.Single(_logger.Entries, entry => entry.Level == LogLevel.Warning);
        Assert.Contains("ServiceUnavailable", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Callers_sharing_a_failed_early_refresh_all_keep_the_cached_credentials_and_it_is_logged_once()
    {
        var failing = new TaskCompletionSource<ExpiringCredentials>(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new ScriptedCredentialSource(
            n => n == 1 ? Task.FromResult(ScriptedCredentialSource.Credentials(n, s_start.AddHours(1))) : failing.Task,
            TimeSpan.FromMinutes(5), _clock, _logger);
        await source.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromMinutes(56));

        Task<AwsCredentials>[] callers = Enumerable.Range(0, 20).Select(_ => source.GetCredentialsAsync().AsTask()).ToArray();
        failing.SetException(new SecretStoreException("backend down", isTransient: true, "ServiceUnavailable"));
        AwsCredentials[] results = await Task.WhenAll(callers);

        Assert.All(results, credentials => Assert.Equal("AKID1", credentials.AccessKey));
        Assert.Equal(2, source.Fetches);
        Assert.Single(_logger.Entries, entry => entry.Level == LogLevel.Warning);
    }

    [Fact]
    public async Task After_a_failed_early_refresh_the_next_attempt_waits_a_little_instead_of_every_call()
    {
        var source = new ScriptedCredentialSource(
            n => n == 1
                ? Task.FromResult(ScriptedCredentialSource.Credentials(n, s_start.AddHours(1)))
                : Task.FromException<ExpiringCredentials>(new SecretStoreException("backend down", isTransient: true)),
            TimeSpan.FromMinutes(5), _clock, _logger);
        await source.GetCredentialsAsync();
        _clock.Advance(TimeSpan.FromMinutes(56));
        await source.GetCredentialsAsync();

        await source.GetCredentialsAsync();
        _clock.Advance(RefreshingCredentialSource.FirstRetryDelay);
        await source.GetCredentialsAsync();

        Assert.Equal(3, source.Fetches);
    }

    [Fact]
    public async Task Expired_credentials_are_never_handed_out_when_the_refresh_fails()
    {
        var source = new ScriptedCredentialSource(
            n => n == 1
                ? Task.FromResult(ScriptedCredentialSource.Credentials(n, s_start.AddHours(1)))
                : Task.FromException<ExpiringCredentials>(new SecretStoreException("backend down", isTransient: true, "ServiceUnavailable")),
            TimeSpan.FromMinutes(5), _clock, _logger);
        await source.GetCredentialsAsync();

        _clock.Advance(TimeSpan.FromHours(1));
        SecretStoreException ex = await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());

        Assert.True(ex.IsTransient);
        Assert.Equal("ServiceUnavailable", ex.ErrorCode);
    }

    [Fact]
    public async Task Credentials_that_arrive_already_expired_are_a_transient_failure()
    {
        var source = new ScriptedCredentialSource(
            n => Task.FromResult(ScriptedCredentialSource.Credentials(n, s_start.AddSeconds(-1))), TimeSpan.FromMinutes(5), _clock, _logger);

        SecretStoreException ex = await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());

        Assert.True(ex.IsTransient);
        Assert.Equal("ExpiredCredentials", ex.ErrorCode);
        Assert.Contains("scripted", ex.Message, StringComparison.Ordinal);
        Assert.Contains("expired", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unexpected_exception_becomes_a_transient_failure_without_its_message()
    {
        var source = new ScriptedCredentialSource(
            _ => Task.FromException<ExpiringCredentials>(new InvalidOperationException("response echoed SECRET-MATERIAL")), TimeSpan.FromMinutes(5), _clock, _logger);

        SecretStoreException ex = await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());

        Assert.True(ex.IsTransient);
        Assert.Equal("InvalidOperationException", ex.ErrorCode);
        Assert.DoesNotContain("SECRET-MATERIAL", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_callers_cancellation_does_not_cancel_the_fetch_others_wait_for()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new ScriptedCredentialSource(
            async n =>
            {
                await release.Task;
                return ScriptedCredentialSource.Credentials(n, s_start.AddHours(1));
            },
            TimeSpan.FromMinutes(5), _clock, _logger);
        using var impatient = new CancellationTokenSource();

        Task<AwsCredentials> cancelled = source.GetCredentialsAsync(impatient.Token).AsTask();
        Task<AwsCredentials> patient = source.GetCredentialsAsync().AsTask();
        await impatient.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        release.SetResult();

        Assert.Equal("AKID1", (await patient).AccessKey);
        Assert.Equal(1, source.Fetches);
    }

    [Fact]
    public async Task A_source_failing_with_nothing_cached_is_tried_again_only_after_a_doubling_delay_that_stops_growing_at_the_bound()
    {
        var source = new ScriptedCredentialSource(
            _ => Task.FromException<ExpiringCredentials>(new SecretStoreException("Credential source 'scripted' could not get AWS credentials: backend down", isTransient: true, "ServiceUnavailable")),
            TimeSpan.FromMinutes(5), _clock, _logger)
        { NextJitter = () => 1.0 };
        TimeSpan[] expected = [.. new[] { 1, 2, 4, 8, 16, 30, 30, 30 }.Select(seconds => TimeSpan.FromSeconds(seconds))];

        for (int failure = 1; failure <= expected.Length; failure++)
        {
            await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());
            Assert.Equal(failure, source.Fetches);

            // A burst of callers meanwhile hears the last failure at once, and nothing is fetched.
            _clock.Advance(expected[failure - 1] - TimeSpan.FromTicks(1));
            for (int caller = 0; caller < 5; caller++)
            {
                SecretStoreException fast = await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());
                Assert.Equal("ServiceUnavailable", fast.ErrorCode);
                Assert.True(fast.IsTransient);
                Assert.Contains("backend down (not tried again before ", fast.Message, StringComparison.Ordinal);
            }

            Assert.Equal(failure, source.Fetches);
            _clock.Advance(TimeSpan.FromTicks(1));
        }

        // One warning per attempt, none per caller turned away.
        Assert.Equal(expected.Length, _logger.Entries.Count(entry => entry.Level == LogLevel.Warning));
    }

    [Fact]
    public async Task A_success_resets_the_delay_and_the_next_failure_waits_the_first_delay_again()
    {
        int fetch = 0;
        var source = new ScriptedCredentialSource(
            n =>
            {
                fetch = n;
                return n is 4 or 6
                    ? Task.FromResult(ScriptedCredentialSource.Credentials(n, _clock.GetUtcNow().AddMinutes(30)))
                    : Task.FromException<ExpiringCredentials>(new SecretStoreException("backend down", isTransient: true, "ServiceUnavailable"));
            },
            TimeSpan.FromMinutes(5), _clock, _logger)
        { NextJitter = () => 1.0 };
        for (int i = 0; i < 3; i++)
        {
            await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());
            _clock.Advance(RefreshingCredentialSource.RetryDelay(i + 1, 1.0));
        }

        Assert.Equal("AKID4", (await source.GetCredentialsAsync()).AccessKey);
        _clock.Advance(TimeSpan.FromMinutes(30));
        await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());
        Assert.Equal(5, fetch);
        _clock.Advance(RefreshingCredentialSource.FirstRetryDelay);

        Assert.Equal("AKID6", (await source.GetCredentialsAsync()).AccessKey);
    }

    [Fact]
    public async Task When_the_delay_is_over_a_burst_of_callers_still_shares_one_fetch()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var source = new ScriptedCredentialSource(
            async n =>
            {
                if (n == 1)
                {
                    throw new SecretStoreException("backend down", isTransient: true, "ServiceUnavailable");
                }

                await release.Task;
                return ScriptedCredentialSource.Credentials(n, s_start.AddHours(1));
            },
            TimeSpan.FromMinutes(5), _clock, _logger)
        { NextJitter = () => 0.0 };
        await Assert.ThrowsAsync<SecretStoreException>(() => source.GetCredentialsAsync().AsTask());
        _clock.Advance(RefreshingCredentialSource.FirstRetryDelay / 2);

        Task<AwsCredentials>[] callers = Enumerable.Range(0, 20).Select(_ => source.GetCredentialsAsync().AsTask()).ToArray();
        release.SetResult();
        AwsCredentials[] results = await Task.WhenAll(callers);

        Assert.Equal(2, source.Fetches);
        Assert.All(results, credentials => Assert.Equal("AKID2", credentials.AccessKey));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.37)]
    [InlineData(1.0)]
    public void Every_delay_lies_between_half_and_all_of_its_doubling_ceiling_and_never_beyond_the_bound(double jitter)
    {
        for (int failures = 1; failures <= 64; failures++)
        {
            TimeSpan ceiling = TimeSpan.FromTicks(Math.Min(RefreshingCredentialSource.FirstRetryDelay.Ticks << Math.Min(failures - 1, 20), RefreshingCredentialSource.MaxRetryDelay.Ticks));
            TimeSpan delay = RefreshingCredentialSource.RetryDelay(failures, jitter);

            Assert.InRange(delay, ceiling / 2, ceiling);
            Assert.True(delay <= RefreshingCredentialSource.MaxRetryDelay);
        }

        Assert.Equal(RefreshingCredentialSource.MaxRetryDelay / 2, RefreshingCredentialSource.RetryDelay(1000, 0.0));
    }

    private ScriptedCredentialSource HourLong() =>
        new(n => Task.FromResult(ScriptedCredentialSource.Credentials(n, _clock.GetUtcNow().AddHours(1))), TimeSpan.FromMinutes(5), _clock, _logger);
}
