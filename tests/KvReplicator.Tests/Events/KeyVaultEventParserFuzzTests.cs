using System.Text.RegularExpressions;
using KvReplicator.Events;
using KvReplicator.Replication;

namespace KvReplicator.Tests.Events;

/// <summary>
/// 100,000 generated and mutated deliveries through the parser: none may throw, every one it cannot use must
/// say why, everything it accepts must be a well-formed Key Vault name and version, and memory must not grow.
/// </summary>
[Collection(MemoryMeasuringCollection.Name)]
public sealed partial class KeyVaultEventParserFuzzTests
{
    private const int Inputs = 100_000;

    [Fact]
    public void Hundred_thousand_generated_deliveries_are_parsed_or_refused_with_a_reason()
    {
        var fuzzer = new DeliveryFuzzer(seed: 9);
        var counts = new Dictionary<KeyVaultEventKind, int>();
        var mutations = new HashSet<string>(StringComparer.Ordinal);
        long largestAllocation = 0;
        long retainedBefore = GC.GetTotalMemory(forceFullCollection: true);

        for (int i = 0; i < Inputs; i++)
        {
            (byte[] body, string mutation) = fuzzer.Next();
            mutations.Add(mutation);
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            IReadOnlyList<KeyVaultEvent> events;
            try
            {
                events = KeyVaultEventParser.Parse(BinaryData.FromBytes(body));
            }
            catch (Exception ex)
            {
                Assert.Fail($"input {i} ({mutation}, {body.Length} bytes) threw {ex}");
                return;
            }

            largestAllocation = Math.Max(largestAllocation, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
            Assert.NotEmpty(events);
            foreach (KeyVaultEvent parsed in events)
            {
                counts[parsed.Kind] = counts.GetValueOrDefault(parsed.Kind) + 1;
                AssertWellFormed(parsed, i, mutation);
            }
        }

        long retainedGrowth = GC.GetTotalMemory(forceFullCollection: true) - retainedBefore;

        // Each shape of input was generated, and each outcome happened: the fuzzer did not degenerate.
        Assert.Equal(12, mutations.Count);
        Assert.True(counts.GetValueOrDefault(KeyVaultEventKind.NewSecretVersion) > 10_000, $"accepted {counts.GetValueOrDefault(KeyVaultEventKind.NewSecretVersion)}");
        Assert.True(counts.GetValueOrDefault(KeyVaultEventKind.Malformed) > 10_000, $"malformed {counts.GetValueOrDefault(KeyVaultEventKind.Malformed)}");
        Assert.True(counts.GetValueOrDefault(KeyVaultEventKind.Ignored) > 1_000, $"ignored {counts.GetValueOrDefault(KeyVaultEventKind.Ignored)}");

        // Generous bounds: a 1 MB body may cost a few copies of itself, never hundreds of megabytes; and
        // nothing of 100,000 parses stays behind.
        Assert.True(largestAllocation < 64L * 1024 * 1024, $"one parse allocated {largestAllocation} bytes");
        Assert.True(retainedGrowth < 32L * 1024 * 1024, $"memory grew by {retainedGrowth} bytes");
    }

    [Fact]
    public void Every_name_the_parser_accepts_maps_to_a_name_Secrets_Manager_accepts_or_is_refused_with_a_reason()
    {
        var fuzzer = new DeliveryFuzzer(seed: 17);
        string[] prefixes = ["", "kv/", "prod/eu-west-1/app/", new string('p', 385), new string('p', 511)];
        int refused = 0;
        for (int i = 0; i < 20_000; i++)
        {
            string name = fuzzer.ValidName();
            Assert.Matches(KeyVaultNames.SecretName(), name);
            var mapper = new SecretNameMapper(prefixes[i % prefixes.Length]);

            string? target = mapper.TryMap(name, out string? rejection);

            if (target is null)
            {
                refused++;
                Assert.False(string.IsNullOrWhiteSpace(rejection));
                Assert.Contains("Secrets Manager", rejection, StringComparison.Ordinal);
                continue;
            }

            Assert.True(target.Length <= SecretNameMapper.MaxTargetNameLength);
            Assert.Matches(AwsSecretName(), target);
            Assert.Equal(name, mapper.TryUnmap(target));
        }

        Assert.True(refused > 1_000, "long prefixes must push some names past the limit");
    }

    private static void AssertWellFormed(KeyVaultEvent parsed, int input, string mutation)
    {
        string where = $"input {input} ({mutation})";
        switch (parsed.Kind)
        {
            case KeyVaultEventKind.NewSecretVersion:
                Assert.NotNull(parsed.Version);
                Assert.True(KeyVaultNames.SecretName().IsMatch(parsed.Version!.SecretName), $"{where}: accepted name '{parsed.Version.SecretName}'");
                Assert.True(LowerHexVersion().IsMatch(parsed.Version.Version), $"{where}: accepted version '{parsed.Version.Version}'");
                Assert.True(VaultName().IsMatch(parsed.Version.VaultName), $"{where}: accepted vault '{parsed.Version.VaultName}'");
                break;
            default:
                Assert.False(string.IsNullOrWhiteSpace(parsed.Reason), $"{where}: {parsed.Kind} without a reason");

                // A reason quotes at most a little of the input: a megabyte of it would flood logs and responses.
                Assert.True(parsed.Reason!.Length <= 600, $"{where}: reason of {parsed.Reason.Length} characters: {parsed.Reason[..Math.Min(200, parsed.Reason.Length)]}");
                break;
        }
    }

    [GeneratedRegex("^[0-9a-f]{32}$")]
    private static partial Regex LowerHexVersion();

    [GeneratedRegex("^[0-9A-Za-z-]{3,24}$")]
    private static partial Regex VaultName();

    [GeneratedRegex("^[A-Za-z0-9/_+=.@-]{1,512}$")]
    private static partial Regex AwsSecretName();
}
