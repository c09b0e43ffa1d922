using KvReplicator.Replication;
using KvReplicator.Tests.Fakes;

namespace KvReplicator.Tests.Replication;

public sealed class SourceReadsTests
{
    private static readonly DateTimeOffset s_created = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly InMemorySecretSource _source = new();

    [Fact]
    public async Task The_latest_read_answers_for_its_own_version_and_nothing_is_read_twice()
    {
        _source.Add("db", ReplicationTestBed.Id(1), "one", s_created);
        _source.Add("db", ReplicationTestBed.Id(2), "two", s_created.AddSeconds(1));
        var reads = new SourceReads(_source, "db");

        SourceReadResult latest = await reads.LatestEnabledAsync(refresh: false, CancellationToken.None);
        SourceReadResult same = await reads.VersionAsync(ReplicationTestBed.Id(2), CancellationToken.None);
        SourceReadResult older = await reads.VersionAsync(ReplicationTestBed.Id(1), CancellationToken.None);
        await reads.VersionAsync(ReplicationTestBed.Id(1), CancellationToken.None);
        await reads.LatestEnabledAsync(refresh: false, CancellationToken.None);

        Assert.Same(latest, same);
        Assert.Equal(ReplicationTestBed.Id(1), older.Secret!.Version);
        Assert.Equal((1, 1), (_source.LatestReads, _source.VersionReads));
    }

    [Fact]
    public async Task A_refresh_reads_the_latest_again()
    {
        _source.Add("db", ReplicationTestBed.Id(1), "one", s_created);
        var reads = new SourceReads(_source, "db");
        await reads.LatestEnabledAsync(refresh: false, CancellationToken.None);
        _source.Add("db", ReplicationTestBed.Id(2), "two", s_created);

        SourceReadResult latest = await reads.LatestEnabledAsync(refresh: true, CancellationToken.None);

        Assert.Equal(ReplicationTestBed.Id(2), latest.Secret!.Version);
        Assert.Equal(2, _source.LatestReads);
    }

    [Fact]
    public async Task A_disabled_latest_version_gives_way_to_the_newest_enabled_one()
    {
        _source.Add("db", ReplicationTestBed.Id(1), "one", s_created);
        _source.Add("db", ReplicationTestBed.Id(2), "two", s_created.AddSeconds(1), enabled: false);
        var reads = new SourceReads(_source, "db");

        SourceReadResult latest = await reads.LatestEnabledAsync(refresh: false, CancellationToken.None);

        Assert.Equal((SourceReadStatus.Found, ReplicationTestBed.Id(1)), (latest.Status, latest.Secret!.Version));
    }

    [Fact]
    public async Task A_secret_without_an_enabled_version_has_no_latest()
    {
        _source.Add("db", ReplicationTestBed.Id(1), "one", s_created, enabled: false);

        SourceReadResult latest = await new SourceReads(_source, "db").LatestEnabledAsync(refresh: false, CancellationToken.None);

        Assert.Equal(SourceReadStatus.NotFound, latest.Status);
    }
}
