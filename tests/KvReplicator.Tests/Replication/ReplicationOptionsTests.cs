using System.Globalization;
using KvReplicator.DependencyInjection;
using KvReplicator.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.Replication;

/// <summary>The lock's timing, bound and validated as the hosts bind it (<c>AddKvReplicator</c>).</summary>
public sealed class ReplicationOptionsTests
{
    [Fact]
    public void The_lock_lasts_30_seconds_and_a_delivery_waits_10_for_another_handler_by_default()
    {
        ReplicationOptions options = Bind(new());

        Assert.Equal((TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10)), (options.LockDuration, options.InFlightWait));
    }

    [Fact]
    public void Lock_duration_and_in_flight_wait_are_bound()
    {
        ReplicationOptions options = Bind(new() { ["LockDuration"] = "00:00:20", ["InFlightWait"] = "00:00:03" });

        Assert.Equal((TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(3)), (options.LockDuration, options.InFlightWait));
    }

    [Theory]
    [InlineData("00:00:04")]
    [InlineData("00:00:46")]
    [InlineData("00:02:00")]
    [InlineData("-00:00:30")]
    public void A_lock_shorter_than_5_seconds_or_longer_than_45_is_rejected(string duration)
    {
        // Event Grid's retry a minute after a crash must always find a dead handler's lock expired.
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["LockDuration"] = duration }));

        Assert.Contains(error.Failures, failure => failure.Contains("LockDuration must be between 00:00:05 and 00:00:45.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:05")]
    [InlineData("00:00:45")]
    public void Lock_duration_bounds_are_accepted(string duration) =>
        Assert.Equal(TimeSpan.Parse(duration, CultureInfo.InvariantCulture), Bind(new() { ["LockDuration"] = duration }).LockDuration);

    [Theory]
    [InlineData("00:00:26")]
    [InlineData("-00:00:01")]
    public void An_in_flight_wait_beyond_25_seconds_or_negative_is_rejected(string wait)
    {
        // Event Grid gives up on an answer after 30 seconds.
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["InFlightWait"] = wait }));

        Assert.Contains(error.Failures, failure => failure.Contains("InFlightWait must be between 00:00:00 and 00:00:25.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("00:00:25")]
    public void In_flight_wait_bounds_are_accepted(string wait) =>
        Assert.Equal(TimeSpan.Parse(wait, CultureInfo.InvariantCulture), Bind(new() { ["InFlightWait"] = wait }).InFlightWait);

    private static ReplicationOptions Bind(Dictionary<string, string?> section)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(section.ToDictionary(pair => $"{ReplicationOptions.SectionName}:{pair.Key}", pair => pair.Value))
            .Build();
        using ServiceProvider services = new ServiceCollection().AddKvReplicator(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<ReplicationOptions>>().Value;
    }
}
