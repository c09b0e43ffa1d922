using KvReplicator.Ledger;
using KvReplicator.Replication;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.Replication;

public sealed class VersionCoalescerTests
{
    private const string Newer = "99999999999999999999999999999999";
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Below_the_threshold_the_superseded_version_is_written()
    {
        CoalescingDecision decision = Coalescer(threshold: 80).Decide(StateWith(written: 79, age: TimeSpan.FromHours(1)), Newer);

        Assert.False(decision.Coalesce);
        Assert.Null(decision.Reason);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public void At_or_above_the_threshold_it_is_coalesced_with_a_reason_naming_the_newer_version(int recent)
    {
        CoalescingDecision decision = Coalescer(threshold: 80).Decide(StateWith(written: recent, age: TimeSpan.FromHours(1)), Newer);

        Assert.True(decision.Coalesce);
        Assert.StartsWith($"coalesced: superseded by {Newer}", decision.Reason, StringComparison.Ordinal);
        Assert.Contains($"{recent} versions created in the last 24 h (threshold 80)", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_versions_written_in_the_last_24_hours_count_and_coalesced_ones_never()
    {
        SecretLedgerState state = StateWith(written: 90, age: TimeSpan.FromHours(25));
        for (int i = 0; i < 90; i++)
        {
            state = state.WithDone(new LedgerDoneVersion($"c{i:D31}", _time.GetUtcNow(), _time.GetUtcNow(), CoalescedInto: Newer));
        }

        Assert.False(Coalescer(threshold: 80).Decide(state, Newer).Coalesce);
    }

    [Fact]
    public void Disabled_coalescing_writes_everything()
    {
        Assert.False(Coalescer(threshold: 80, enabled: false).Decide(StateWith(written: 99, age: TimeSpan.Zero), Newer).Coalesce);
    }

    [Fact]
    public void Options_refuse_a_threshold_at_or_above_the_aws_limit()
    {
        var options = new CoalescingOptions { RecentVersionThreshold = 100 };
        var results = new List<System.ComponentModel.DataAnnotations.ValidationResult>();

        Assert.False(System.ComponentModel.DataAnnotations.Validator.TryValidateObject(options, new(options), results, validateAllProperties: true));
        Assert.Contains("RecentVersionThreshold", Assert.Single(results).ErrorMessage, StringComparison.Ordinal);
    }

    private SecretLedgerState StateWith(int written, TimeSpan age)
    {
        SecretLedgerState state = SecretLedgerState.Empty(new LedgerKey("vault", "db"));
        for (int i = 0; i < written; i++)
        {
            state = state.WithDone(new LedgerDoneVersion($"{i:D32}", _time.GetUtcNow() - age, _time.GetUtcNow() - age));
        }

        return state;
    }

    private VersionCoalescer Coalescer(int threshold, bool enabled = true) =>
        new(Options.Create(new CoalescingOptions { RecentVersionThreshold = threshold, Enabled = enabled }), _time);
}
