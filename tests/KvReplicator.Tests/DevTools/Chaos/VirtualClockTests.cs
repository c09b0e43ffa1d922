using KvReplicator.DevTools.Chaos;

namespace KvReplicator.Tests.DevTools.Chaos;

public sealed class VirtualClockTests
{
    [Fact]
    public void The_virtual_clock_only_moves_forward()
    {
        var start = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        var clock = new VirtualClock(start);

        clock.AdvanceTo(start.AddHours(3));
        clock.AdvanceTo(start.AddHours(1));

        Assert.Equal(start.AddHours(3), clock.GetUtcNow());
    }
}
