using KvReplicator.DevTools.Chaos;
using KvReplicator.Ledger;
using Moq;

namespace KvReplicator.Tests.DevTools.Chaos;

public sealed class CrashPlanTests
{
    private static readonly LedgerKey s_key = new("vault", "db");
    private static readonly SecretLedgerState s_locked = SecretLedgerState.Empty(s_key) with { Lock = new SecretLock("me", DateTimeOffset.UnixEpoch, []) };
    private static readonly SecretLedgerState s_recorded = SecretLedgerState.Empty(s_key);

    [Fact]
    public async Task A_handler_that_crashed_after_taking_the_lock_frees_nothing_so_the_lock_must_expire()
    {
        var inner = new Mock<IReplicationLedger>(MockBehavior.Strict);
        inner.Setup(l => l.TryWriteAsync(s_key, s_locked, null, It.IsAny<CancellationToken>())).ReturnsAsync(new LedgerRecord(s_key, s_locked, "\"e1\""));
        var ledger = new CrashingLedger(inner.Object);
        CrashPlan.Current = new CrashPlan(CrashStep.AfterLock, new ChaosFigures());

        await Assert.ThrowsAsync<SimulatedCrashException>(() => ledger.TryWriteAsync(s_key, s_locked, null));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => ledger.TryWriteAsync(s_key, s_recorded, "\"e1\""));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => ledger.ReadAsync(s_key));

        inner.Verify(l => l.TryWriteAsync(s_key, s_locked, null, It.IsAny<CancellationToken>()), Times.Once);
        inner.VerifyNoOtherCalls();
    }

    [Fact]
    public async Task A_crash_planned_before_the_record_leaves_the_lock_held()
    {
        var inner = new Mock<IReplicationLedger>(MockBehavior.Strict);
        var figures = new ChaosFigures();
        var ledger = new CrashingLedger(inner.Object);
        CrashPlan.Current = new CrashPlan(CrashStep.BeforeCommit, figures);

        await Assert.ThrowsAsync<SimulatedCrashException>(() => ledger.TryWriteAsync(s_key, s_recorded, "\"e1\""));
        await Assert.ThrowsAsync<SimulatedCrashException>(() => ledger.TryWriteAsync(s_key, s_recorded, "\"e1\""));

        inner.VerifyNoOtherCalls();
        Assert.Equal(1, figures.Crashes[nameof(CrashStep.BeforeCommit)]);
    }

    [Fact]
    public async Task Without_a_plan_the_decorator_only_passes_calls_through()
    {
        var inner = new Mock<IReplicationLedger>(MockBehavior.Strict);
        inner.Setup(l => l.TryWriteAsync(s_key, s_recorded, "\"e1\"", It.IsAny<CancellationToken>())).ReturnsAsync(new LedgerRecord(s_key, s_recorded, "\"e2\""));
        inner.Setup(l => l.ReadAsync(s_key, It.IsAny<CancellationToken>())).ReturnsAsync(LedgerRecord.Absent(s_key));
        CrashPlan.Current = null;

        Assert.NotNull(await new CrashingLedger(inner.Object).TryWriteAsync(s_key, s_recorded, "\"e1\""));
        Assert.Null((await new CrashingLedger(inner.Object).ReadAsync(s_key)).ETag);

        inner.VerifyAll();
    }
}
