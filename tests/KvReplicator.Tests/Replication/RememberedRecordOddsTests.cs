using KvReplicator.Replication;

namespace KvReplicator.Tests.Replication;

public sealed class RememberedRecordOddsTests
{
    [Fact]
    public void A_process_whose_remembered_records_hold_keeps_trying_them()
    {
        var odds = new RememberedRecordOdds();

        for (int i = 0; i < 200; i++)
        {
            Assert.True(odds.ShouldTry());
            odds.Record(refused: i % 10 == 0); // another instance wrote one secret in ten since this process did
        }
    }

    [Fact]
    public void A_process_whose_remembered_records_are_mostly_stale_reads_first_and_tries_one_handling_in_sixteen()
    {
        var odds = new RememberedRecordOdds();
        int tried = 0;
        for (int i = 0; i < 320; i++)
        {
            if (odds.ShouldTry())
            {
                tried++;
                odds.Record(refused: true);
            }
        }

        // The first try, then probes: a refused write costs one call in sixteen versions at most.
        Assert.InRange(tried, 320 / 16, (320 / 16) + 4);
    }

    [Fact]
    public void Odds_that_turned_bad_recover_once_the_probes_hold_again()
    {
        var odds = new RememberedRecordOdds();
        for (int i = 0; i < 64; i++)
        {
            if (odds.ShouldTry())
            {
                odds.Record(refused: true);
            }
        }

        int probes = 0;
        for (int i = 0; i < 32; i++)
        {
            if (odds.ShouldTry())
            {
                probes++;
                odds.Record(refused: true);
            }
        }

        Assert.InRange(probes, 1, 3);

        // The other instances are gone: the probes hold, and within a few hundred versions every handling tries again.
        int handlings = 0;
        while (handlings < 1000 && !Enumerable.Range(0, 16).All(_ => Try(odds)))
        {
            handlings += 16;
        }

        Assert.InRange(handlings, 16, 999);
    }

    private static bool Try(RememberedRecordOdds odds)
    {
        if (!odds.ShouldTry())
        {
            return false;
        }

        odds.Record(refused: false);
        return true;
    }
}
