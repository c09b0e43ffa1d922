using System.Runtime.CompilerServices;
using KvReplicator.Replication;
using KvReplicator.Testing;

namespace KvReplicator.Tests.Fakes;

/// <summary>
/// A Key Vault in memory: secrets hold versions with creation times, the latest being the one created last (Key
/// Vault dates versions to the second: of versions of the same second, the one added last). It answers as
/// <see cref="ISecretSource"/> promises and counts every read.
/// </summary>
internal sealed class InMemorySecretSource(string vaultName = InMemorySecretSource.DefaultVault) : ISecretSource
{
    public const string DefaultVault = "sample-kv";

    private readonly List<Version> _versions = [];
    private int _versionReads;
    private int _latestReads;
    private int _latestEnabledLookups;

    public string VaultName { get; } = vaultName;

    /// <summary>Reads of one exact version.</summary>
    public int VersionReads => Volatile.Read(ref _versionReads);

    /// <summary>Reads of the latest version (value included).</summary>
    public int LatestReads => Volatile.Read(ref _latestReads);

    /// <summary>Every call that reached Key Vault, listings excluded.</summary>
    public int Reads => VersionReads + LatestReads + Volatile.Read(ref _latestEnabledLookups);

    /// <summary>Runs before every read with the operation's name and the secret's; may throw or wait to fake a failing or slow vault.</summary>
    public Func<string, string, CancellationToken, Task>? BeforeRead { get; set; }

    /// <summary>Creates a version; the value is registered with the leak guard.</summary>
    public SourceSecretVersion Add(
        string name, string version, string value, DateTimeOffset created, bool enabled = true, IReadOnlyDictionary<string, string>? tags = null, bool managed = false)
    {
        var added = new Version(new SourceSecretVersion
        {
            VaultName = VaultName,
            Name = name,
            Version = version,
            Value = new SecretValue(SecretLeakGuard.Register(value)),
            Tags = tags ?? new Dictionary<string, string>(),
            CreatedOn = created,
        })
        {
            Enabled = enabled,
            Managed = managed,
        };
        lock (_versions)
        {
            _versions.Add(added);
        }

        return added.Secret;
    }

    public void Disable(string name, string version)
    {
        lock (_versions)
        {
            _versions.Single(v => Is(v, name) && string.Equals(v.Secret.Version, version, StringComparison.OrdinalIgnoreCase)).Enabled = false;
        }
    }

    public async Task<SourceReadResult> ReadVersionAsync(string secretName, string version, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _versionReads);
        await EnterAsync("ReadVersion", secretName, cancellationToken).ConfigureAwait(false);
        lock (_versions)
        {
            Version? found = _versions.FirstOrDefault(v => Is(v, secretName) && string.Equals(v.Secret.Version, version, StringComparison.OrdinalIgnoreCase));
            return Answer(found);
        }
    }

    public async Task<SourceReadResult> ReadLatestAsync(string secretName, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _latestReads);
        await EnterAsync("ReadLatest", secretName, cancellationToken).ConfigureAwait(false);
        lock (_versions)
        {
            return Answer(Versions(secretName).LastOrDefault());
        }
    }

    public async Task<string?> GetLatestEnabledVersionAsync(string secretName, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _latestEnabledLookups);
        await EnterAsync("GetLatestEnabled", secretName, cancellationToken).ConfigureAwait(false);
        lock (_versions)
        {
            return Versions(secretName).LastOrDefault(v => v.Enabled)?.Secret.Version;
        }
    }

    public async IAsyncEnumerable<SourceSecretSummary> ListSecretsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        SourceSecretSummary[] summaries;
        lock (_versions)
        {
            summaries = [.. _versions
                .GroupBy(v => v.Secret.Name, StringComparer.OrdinalIgnoreCase)
                .Select(secret => Versions(secret.Key).Last())
                .Select(latest => new SourceSecretSummary(latest.Secret.Name, latest.Enabled, latest.Secret.Tags, latest.Secret.ContentType, latest.Secret.Version, latest.Secret.CreatedOn))];
        }

        foreach (SourceSecretSummary summary in summaries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return summary;
        }
    }

    private async Task EnterAsync(string operation, string secretName, CancellationToken cancellationToken)
    {
        if (BeforeRead is { } before)
        {
            await before(operation, secretName, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>A secret's versions, oldest first (a stable sort keeps the order of addition within one second).</summary>
    private IEnumerable<Version> Versions(string secretName) => _versions.Where(v => Is(v, secretName)).OrderBy(v => v.Secret.CreatedOn);

    private static bool Is(Version version, string secretName) => string.Equals(version.Secret.Name, secretName, StringComparison.OrdinalIgnoreCase);

    private static SourceReadResult Answer(Version? version) => version switch
    {
        null => SourceReadResult.NotFound,
        { Managed: true } => SourceReadResult.Managed,
        { Enabled: false } => SourceReadResult.Disabled,
        _ => SourceReadResult.Found(version.Secret),
    };

    private sealed class Version(SourceSecretVersion secret)
    {
        public SourceSecretVersion Secret { get; } = secret;

        public bool Enabled { get; set; }

        public bool Managed { get; init; }
    }
}
