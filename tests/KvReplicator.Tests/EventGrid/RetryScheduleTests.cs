using KvReplicator.LocalCloud.EventGrid;

namespace KvReplicator.Tests.EventGrid;

public sealed class RetryScheduleTests
{
    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 30)]
    [InlineData(3, 60)]
    [InlineData(4, 300)]
    [InlineData(5, 600)]
    [InlineData(6, 1800)]
    [InlineData(7, 3600)]
    [InlineData(8, 3 * 3600)]
    [InlineData(9, 6 * 3600)]
    [InlineData(10, 12 * 3600)]
    [InlineData(29, 12 * 3600)]
    public void Follows_Event_Grids_schedule(int failedAttempts, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), RetrySchedule.DelayAfter(failedAttempts, 1.0));
    }

    [Fact]
    public void Scale_shrinks_every_step()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(10), RetrySchedule.DelayAfter(1, 0.001));
        Assert.Equal(TimeSpan.Zero, RetrySchedule.DelayAfter(4, 0));
    }
}
