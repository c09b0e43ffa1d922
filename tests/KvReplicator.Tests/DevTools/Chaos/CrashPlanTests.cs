using KvReplicator.DevTools.Chaos;
using KvReplicator.Events;
using KvReplicator.Ledger;
using Moq;

namespace KvReplicator.Tests.DevTools.Chaos;

public sealed class CrashPlanTests
{
    private static readonly SecretVersionRef s_version = new("vault", "db", "0123456789abcdef0123456789abcdef");
    private static readonly LedgerClaim s_claim = new(s_version, "\"e1\"", DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task A_handler_that_crashed_after_its_claim_releases_nothing_so_the_claim_must_expire()
    {
        var inner = new Mock<IReplicationLedger>(MockBehavior.Strict);
        inner.Setup(l => l.TryClaimAsync(s_version, It.IsAny<CancellationToken>())).ReturnsAsync(LedgerClaimResult.Claimed(s_claim));
        var ledger = new CrashingLedger(inner.Object);
        CrashPlan.Current = new CrashPlan(CrashStep.AfterClaim, new ChaosFigures());

        await Assert.ThrowsAsync<SimulatedCrashException>(() => ledger.TryClaimAsync(s_version));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => ledger.ReleaseAsync(s_claim));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => ledger.CommitAsync(s_claim));

        inner.Verify(l => l.TryClaimAsync(s_version, It.IsAny<CancellationToken>()), Times.Once);
        inner.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_crash_planned_before_the_commit_leaves_the_claim_and_the_release_alone()
    {
        var inner = new Mock<IReplicationLedger>(MockBehavior.Strict);
        var figures = new ChaosFigures();
        var ledger = new CrashingLedger(inner.Object);
        CrashPlan.Current = new CrashPlan(CrashStep.BeforeCommit, figures);

        await Assert.ThrowsAsync<SimulatedCrashException>(() => ledger.CommitAsync(s_claim));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => ledger.ReleaseAsync(s_claim));

        inner.VerifyNoOtherCalls();
        Assert.Equal(1, figures.Crashes[nameof(CrashStep.BeforeCommit)]);
    }

    [Fact]
    public async Task Without_a_plan_the_decorator_only_passes_calls_through()
    {
        var inner = new Mock<IReplicationLedger>(MockBehavior.Strict);
        inner.Setup(l => l.CommitAsync(s_claim, It.IsAny<CancellationToken>())).ReturnsAsync(true);
        inner.Setup(l => l.ReleaseAsync(s_claim, It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        CrashPlan.Current = null;

        Assert.True(await new CrashingLedger(inner.Object).CommitAsync(s_claim));
        await new CrashingLedger(inner.Object).ReleaseAsync(s_claim);

        inner.VerifyAll();
    }
}
