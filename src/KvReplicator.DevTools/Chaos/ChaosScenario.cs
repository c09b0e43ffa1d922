using Azure.Security.KeyVault.Secrets;
using KvReplicator.LocalCloud.KeyVault;

namespace KvReplicator.DevTools.Chaos;

/// <summary>
/// The versions a chaos run creates in the local Key Vault, in a seeded order across its secrets, and what
/// it remembers of them for the final checks. Writes go through a clean client: users are not the ones failing.
/// </summary>
internal sealed class ChaosScenario
{
    private readonly ChaosOptions _options;
    private readonly SecretClient _vault;
    private readonly string _vaultName;
    private readonly Uri _vaultUri;
    private readonly Random _random;
    private readonly string[] _names;
    private readonly Dictionary<string, List<CreatedVersion>> _versions = new(StringComparer.Ordinal);

    public ChaosScenario(ChaosOptions options, SecretClient vault, string vaultName, Uri vaultUri)
    {
        _options = options;
        _vault = vault;
        _vaultName = vaultName;
        _vaultUri = vaultUri;
        _random = new Random(options.Seed);
        int secrets = Math.Min(options.Secrets, options.Versions);

        // Varied shapes of valid names: short, long, dashed, digits first.
        _names = Enumerable.Range(0, secrets).Select(i => (i % 4) switch
        {
            0 => $"app{i}",
            1 => $"{i}-db-password",
            2 => $"service-{i}-{new string('x', 40 + (i % 50))}",
            _ => $"Tenant-{i}-Api-Key",
        }).ToArray();
    }

    public int Created { get; private set; }

    public int DisabledCount { get; private set; }

    public bool IsComplete => Created >= _options.Versions;

    public int SecretCount => _versions.Count;

    /// <summary>Each secret's versions in creation order.</summary>
    public IReadOnlyDictionary<string, List<CreatedVersion>> Versions => _versions;

    /// <summary>Creates the next version (every secret gets one before any gets a second) and returns Key Vault's notification.</summary>
    public async Task<SecretVersionCreated> CreateNextAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        string name = Created < _names.Length ? _names[Created] : _names[_random.Next(_names.Length)];
        string value = $"{ChaosRun.ValueMarker}{_random.NextInt64():x16}{_random.NextInt64():x16}";
        KeyVaultSecret secret = await _vault.SetSecretAsync(name, value, cancellationToken).ConfigureAwait(false);
        bool disabled = _random.NextDouble() < _options.DisableRate;
        if (disabled)
        {
            // Disabled before any delivery can read it: its event must be skipped, and never become current.
            secret.Properties.Enabled = false;
            await _vault.UpdateSecretPropertiesAsync(secret.Properties, cancellationToken).ConfigureAwait(false);
            DisabledCount++;
        }

        if (!_versions.TryGetValue(name, out List<CreatedVersion>? list))
        {
            _versions[name] = list = [];
        }

        list.Add(new CreatedVersion(secret.Properties.Version, value, !disabled));
        Created++;
        return new SecretVersionCreated(_vaultName, _vaultUri, name, secret.Properties.Version, now, null, null);
    }
}
