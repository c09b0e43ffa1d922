using KvReplicator.Coalescing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace KvReplicator.Tests.Coalescing;

public sealed class VersionCoalescerTests
{
    private const string Newer = "99999999999999999999999999999999";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly Mock<ITargetVersionHistory> _history = new(MockBehavior.Strict);

    [Fact]
    public async Task Below_the_threshold_the_superseded_version_is_written()
    {
        HistoryHolds(79);

        CoalescingDecision decision = await Coalescer(threshold: 80).DecideAsync("kv/db", Newer);

        Assert.False(decision.Coalesce);
        Assert.Null(decision.Reason);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public async Task At_or_above_the_threshold_it_is_coalesced_with_a_reason_naming_the_newer_version(int recent)
    {
        HistoryHolds(recent);

        CoalescingDecision decision = await Coalescer(threshold: 80).DecideAsync("kv/db", Newer);

        Assert.True(decision.Coalesce);
        Assert.StartsWith($"coalesced: superseded by {Newer}", decision.Reason, StringComparison.Ordinal);
        Assert.Contains($"{recent} versions created in the last 24 h (threshold 80)", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_versions_of_the_last_24_hours_are_counted()
    {
        HistoryHolds(0);

        await Coalescer(threshold: 80).DecideAsync("kv/db", Newer);

        _history.Verify(h => h.CountVersionsCreatedSinceAsync("kv/db", _time.GetUtcNow() - TimeSpan.FromHours(24), It.IsAny<CancellationToken>()));
    }

    [Fact]
    public async Task Disabled_coalescing_writes_everything_without_asking_the_target()
    {
        CoalescingDecision decision = await Coalescer(threshold: 80, enabled: false).DecideAsync("kv/db", Newer);

        Assert.False(decision.Coalesce);
        _history.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task The_gate_of_a_secret_admits_one_holder_at_a_time()
    {
        VersionCoalescer coalescer = Coalescer(threshold: 80);
        IDisposable first = await coalescer.EnterAsync("kv/db");

        Task<IDisposable> second = coalescer.EnterAsync("kv/db");
        Assert.False(second.IsCompleted);

        first.Dispose();
        first.Dispose(); // twice is harmless: the gate is released once
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        (await coalescer.EnterAsync("kv/db").WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
    }

    [Fact]
    public void Options_refuse_a_threshold_at_or_above_the_aws_limit()
    {
        var options = new CoalescingOptions { RecentVersionThreshold = 100 };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Contains("RecentVersionThreshold", Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
    }

    private void HistoryHolds(int count) =>
        _history.Setup(h => h.CountVersionsCreatedSinceAsync(It.IsAny<string>(), It.IsAny<DateTimeOffset>(), It.IsAny<CancellationToken>())).ReturnsAsync(count);

    private VersionCoalescer Coalescer(int threshold, bool enabled = true) =>
        new(_history.Object, Options.Create(new CoalescingOptions { RecentVersionThreshold = threshold, Enabled = enabled }), _time);
}
