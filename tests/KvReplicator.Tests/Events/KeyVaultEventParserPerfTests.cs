using System.Diagnostics;
using System.Text;
using KvReplicator.Events;
using Xunit.Abstractions;

namespace KvReplicator.Tests.Events;

/// <summary>
/// Allocations and time per delivery of a 10-event batch, in each schema. Prints figures for
/// docs/benchmarks.md ("Parsing"); asserts only that every event was understood.
/// </summary>
[Trait("Category", "Perf")]
[Collection(MemoryMeasuringCollection.Name)]
public sealed class KeyVaultEventParserPerfTests(ITestOutputHelper output)
{
    private const int Rounds = 7;
    private const int DeliveriesPerRound = 20_000;

    [PerfFact]
    public void Parsing_a_ten_event_batch()
    {
        foreach (string schema in new[] { "eventgrid", "cloudevents" })
        {
            (double bytes, double microseconds, double cpuMicroseconds) = Measure(KeyVaultEventParser.Parse, TenEventBatch(schema));
            output.WriteLine($"{schema,-12} per delivery: {bytes,8:N0} B allocated, {microseconds,6:N1} µs (median of {Rounds} rounds of {DeliveriesPerRound:N0}), {cpuMicroseconds,6:N1} µs of process CPU");
        }
    }

    /// <summary>
    /// Bytes allocated, the median wall time and the process CPU time per delivery, after a warm-up. CPU time
    /// says more than wall time on a machine shared with other work.
    /// </summary>
    internal static (double Bytes, double Microseconds, double CpuMicroseconds) Measure(Func<BinaryData, IReadOnlyList<KeyVaultEvent>> parse, BinaryData body)
    {
        Assert.All(parse(body), e => Assert.Equal(KeyVaultEventKind.NewSecretVersion, e.Kind));
        for (int i = 0; i < DeliveriesPerRound; i++)
        {
            parse(body);
        }

        var times = new double[Rounds];
        long allocated = 0;
        TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        for (int round = 0; round < Rounds; round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            long started = Stopwatch.GetTimestamp();
            for (int i = 0; i < DeliveriesPerRound; i++)
            {
                parse(body);
            }

            times[round] = Stopwatch.GetElapsedTime(started).TotalMicroseconds / DeliveriesPerRound;
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;
        }

        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMicroseconds / (Rounds * DeliveriesPerRound);
        Array.Sort(times);
        return ((double)allocated / (Rounds * DeliveriesPerRound), times[Rounds / 2], cpu);
    }

    /// <summary>Ten events as Key Vault sends them (Microsoft's documented shape), in one delivery.</summary>
    internal static BinaryData TenEventBatch(string schema)
    {
        var batch = new StringBuilder("[");
        for (int i = 0; i < 10; i++)
        {
            string name = $"app-secret-{i}";
            string version = $"{i:x2}{new string('a', 30)}";
            string data = $$"""{"Id":"https://contoso-kv.vault.azure.net/secrets/{{name}}/{{version}}","VaultName":"contoso-kv","ObjectType":"Secret","ObjectName":"{{name}}","Version":"{{version}}","NBF":null,"EXP":null}""";
            string topic = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/contoso-kv";
            batch.Append(i == 0 ? "" : ",").Append(schema == "eventgrid"
                ? $$"""{"id":"{{Guid.NewGuid()}}","topic":"{{topic}}","subject":"{{name}}","eventType":"Microsoft.KeyVault.SecretNewVersionCreated","eventTime":"2026-11-23T01:02:03.4567891Z","data":{{data}},"dataVersion":"1","metadataVersion":"1"}"""
                : $$"""{"specversion":"1.0","id":"{{Guid.NewGuid()}}","source":"{{topic}}","subject":"{{name}}","type":"Microsoft.KeyVault.SecretNewVersionCreated","time":"2026-11-23T01:02:03.4567891Z","data":{{data}}}""");
        }

        return BinaryData.FromString(batch.Append(']').ToString());
    }
}
