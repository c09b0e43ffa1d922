using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.LocalCloud.KeyVault;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Writes the workload's versions into the local Key Vault, as a user rotating secrets would, and renders
/// the Event Grid deliveries that announce them in the schema asked for.
/// </summary>
internal sealed class BenchWorkload(SecretClient vault, LocalKeyVault keyVault, LocalEventGrid eventGrid, BenchOptions options, string runId)
{
    private readonly Random _random = new(options.Seed);
    private DateTimeOffset _lastCreated = DateTimeOffset.MinValue;

    public string SecretName(int index) => $"bench-{runId}-{index:D5}";

    /// <summary>
    /// Creates one new version of every secret (or of the first <paramref name="secrets"/>); versions of one
    /// secret are created in order, each in a later second than the one before it, as real rotations are: Key
    /// Vault dates versions to the second, and versions of the same second have an order only Key Vault's
    /// "latest" knows (docs/reliability.md), which costs reads a real rotation never pays.
    /// </summary>
    public async Task<IReadOnlyList<PlannedDelivery>> CreateVersionsAsync(int versionNumber, CancellationToken cancellationToken = default, int? secrets = null)
    {
        DateTimeOffset nextSecond = _lastCreated == DateTimeOffset.MinValue ? _lastCreated : _lastCreated.AddTicks(-(_lastCreated.Ticks % TimeSpan.TicksPerSecond)).AddSeconds(1);
        if (DateTimeOffset.UtcNow < nextSecond)
        {
            await Task.Delay(nextSecond - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
        }

        int count = secrets ?? options.Secrets;
        var created = new PlannedDelivery[count];
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, async (index, ct) =>
        {
            // Random, never printed: the value only has to differ from every other version's.
            string value = $"v{versionNumber}-{RandomNumberGenerator.GetHexString(32)}";
            KeyVaultSecret secret = await vault.SetSecretAsync(SecretName(index), value, ct).ConfigureAwait(false);
            var version = new SecretVersionCreated(
                keyVault.VaultName, keyVault.VaultUri, secret.Name, secret.Properties.Version, secret.Properties.CreatedOn ?? DateTimeOffset.UtcNow, null, null);
            created[index] = new PlannedDelivery(version, Render(version));
        }).ConfigureAwait(false);
        _lastCreated = created.Max(delivery => delivery.Version.CreatedOn);
        return created;
    }

    /// <summary>The deliveries in a random order drawn from the run's seed.</summary>
    public IReadOnlyList<PlannedDelivery> Shuffle(IEnumerable<PlannedDelivery> deliveries)
    {
        PlannedDelivery[] shuffled = [.. deliveries];
        _random.Shuffle(shuffled);
        return shuffled;
    }

    /// <summary>The deliveries of a phase: shuffled if asked, with a share delivered twice (same event id, as Event Grid redelivers).</summary>
    public IReadOnlyList<PlannedDelivery> Arrange(IEnumerable<PlannedDelivery> deliveries, bool withDuplicates)
    {
        var arranged = new List<PlannedDelivery>(deliveries);
        if (withDuplicates && options.DuplicateRate > 0)
        {
            arranged.AddRange(arranged.Where(_ => _random.NextDouble() < options.DuplicateRate).ToArray());
        }

        if (options.Shuffle)
        {
            PlannedDelivery[] shuffled = [.. arranged];
            _random.Shuffle(shuffled);
            return shuffled;
        }

        return arranged;
    }

    private BinaryData Render(SecretVersionCreated version)
    {
        JsonObject gridEvent = GridEvent.From(version, eventGrid.TopicFor(version.VaultName)).Render(options.Schema);

        // Event Grid's schema always arrives as an array; CloudEvents one at a time in structured mode.
        JsonNode body = options.Schema == EventDeliverySchema.EventGridSchema ? new JsonArray(gridEvent) : gridEvent;
        return BinaryData.FromString(body.ToJsonString());
    }
}
