using System.Net;
using System.Security.Cryptography;

namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>
/// The stand-in's state and Key Vault's rules over it. One lock guards everything: the stand-in serves
/// tests and demos, where simple and obviously correct beats fast. Records are immutable, so what a
/// method returns can be rendered after the lock is released.
/// </summary>
internal sealed class SecretStore
{
    /// <summary>Key Vault's limit on a secret value, in bytes of UTF-8.</summary>
    public const int MaxValueBytes = 25 * 1024;

    private readonly Dictionary<string, StoredSecret> _secrets = new(SecretNames.Comparer);
    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly int _retentionDays;
    private readonly VaultFile? _file;
    private readonly Action<StoredSecret, StoredSecretVersion> _versionCreated;

    public SecretStore(TimeProvider timeProvider, int retentionDays, VaultFile? file, Action<StoredSecret, StoredSecretVersion> versionCreated)
    {
        _timeProvider = timeProvider;
        _retentionDays = retentionDays;
        _file = file;
        _versionCreated = versionCreated;
        foreach (StoredSecret secret in file?.Load() ?? [])
        {
            _secrets[secret.Name] = secret;
        }
    }

    public (StoredSecret Secret, StoredSecretVersion Version) Set(string name, NewSecretVersion request)
    {
        RequireValidName(name);
        if (System.Text.Encoding.UTF8.GetByteCount(request.Value) > MaxValueBytes)
        {
            throw KeyVaultServiceError.BadParameter($"The secret value exceeds the maximum size of {MaxValueBytes} bytes.");
        }

        lock (_lock)
        {
            _secrets.TryGetValue(name, out StoredSecret? existing);
            if (existing is { IsDeleted: true })
            {
                throw new KeyVaultServiceError(HttpStatusCode.Conflict, "Conflict",
                    $"Secret {existing.Name} is currently in a deleted but recoverable state, and its name cannot be reused; in this state, the secret can only be recovered or purged.");
            }

            DateTimeOffset now = Now();
            var version = new StoredSecretVersion
            {
                Version = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                Value = request.Value,
                ContentType = request.ContentType,
                Tags = request.Tags,
                Enabled = request.Enabled,
                NotBefore = request.NotBefore,
                ExpiresOn = request.ExpiresOn,
                CreatedOn = now,
                UpdatedOn = now,
            };
            StoredSecret secret = existing is null
                ? new StoredSecret { Name = name, Versions = [version] }
                : existing with { Versions = [.. existing.Versions, version] };
            Commit(secret);
            _versionCreated(secret, version);
            return (secret, version);
        }
    }

    /// <summary>Reads a version, or the latest when <paramref name="version"/> is null, refusing disabled ones as Key Vault does.</summary>
    public (StoredSecret Secret, StoredSecretVersion Version) Get(string name, string? version)
    {
        (StoredSecret secret, StoredSecretVersion found) = Find(name, version);
        if (!found.Enabled)
        {
            throw KeyVaultServiceError.Disabled("get");
        }

        return (secret, found);
    }

    public (StoredSecret Secret, StoredSecretVersion Version) Update(string name, string version, SecretUpdate update)
    {
        lock (_lock)
        {
            (StoredSecret secret, StoredSecretVersion found) = Find(name, version);
            StoredSecretVersion updated = found with
            {
                ContentType = update.ContentType ?? found.ContentType,
                Tags = update.Tags ?? found.Tags,
                Enabled = update.Enabled ?? found.Enabled,
                NotBefore = update.NotBefore.Or(found.NotBefore),
                ExpiresOn = update.ExpiresOn.Or(found.ExpiresOn),
                UpdatedOn = Now(),
            };
            StoredSecret changed = secret with { Versions = secret.Versions.Select(v => ReferenceEquals(v, found) ? updated : v).ToList() };
            Commit(changed);
            return (changed, updated);
        }
    }

    public StoredSecret Delete(string name)
    {
        lock (_lock)
        {
            StoredSecret secret = FindActive(name);
            DateTimeOffset now = Now();
            StoredSecret deleted = secret with { DeletedOn = now, ScheduledPurgeOn = now.AddDays(_retentionDays) };
            Commit(deleted);
            return deleted;
        }
    }

    public StoredSecret GetDeleted(string name)
    {
        lock (_lock)
        {
            return FindDeleted(name);
        }
    }

    public void Purge(string name)
    {
        lock (_lock)
        {
            StoredSecret secret = FindDeleted(name);
            _secrets.Remove(secret.Name);
            Save();
        }
    }

    public StoredSecret Recover(string name)
    {
        lock (_lock)
        {
            StoredSecret recovered = FindDeleted(name) with { DeletedOn = null, ScheduledPurgeOn = null };
            Commit(recovered);
            return recovered;
        }
    }

    /// <summary>
    /// One page of secrets (active or deleted) in name order. The continuation is the last name returned,
    /// so secrets added between pages neither repeat nor shift the next page.
    /// </summary>
    public (IReadOnlyList<StoredSecret> Page, string? Next) List(bool deleted, string? after, int max)
    {
        lock (_lock)
        {
            List<StoredSecret> matching = _secrets.Values
                .Where(s => s.IsDeleted == deleted && (after is null || SecretNames.Comparer.Compare(s.Name, after) > 0))
                .Order(Comparer<StoredSecret>.Create((a, b) => SecretNames.Comparer.Compare(a.Name, b.Name)))
                .Take(max + 1)
                .ToList();
            return matching.Count > max ? (matching[..max], matching[max - 1].Name) : (matching, null);
        }
    }

    /// <summary>One page of a secret's versions, oldest first; versions are only appended, so an offset is a stable continuation.</summary>
    public (StoredSecret Secret, IReadOnlyList<StoredSecretVersion> Page, int? Next) ListVersions(string name, int skip, int max)
    {
        lock (_lock)
        {
            StoredSecret secret = FindActive(name);
            List<StoredSecretVersion> page = secret.Versions.Skip(skip).Take(max).ToList();
            return (secret, page, skip + max < secret.Versions.Count ? skip + max : null);
        }
    }

    private (StoredSecret Secret, StoredSecretVersion Version) Find(string name, string? version)
    {
        lock (_lock)
        {
            StoredSecret secret = FindActive(name);
            if (version is null)
            {
                return (secret, secret.Latest);
            }

            StoredSecretVersion? found = secret.Versions.FirstOrDefault(v => string.Equals(v.Version, version, StringComparison.OrdinalIgnoreCase));
            return found is null ? throw KeyVaultServiceError.SecretNotFound(secret.Name, version) : (secret, found);
        }
    }

    private StoredSecret FindActive(string name)
    {
        RequireValidName(name);
        return _secrets.TryGetValue(name, out StoredSecret? secret) && !secret.IsDeleted ? secret : throw KeyVaultServiceError.SecretNotFound(name);
    }

    private StoredSecret FindDeleted(string name)
    {
        RequireValidName(name);
        return _secrets.TryGetValue(name, out StoredSecret? secret) && secret.IsDeleted ? secret : throw KeyVaultServiceError.DeletedSecretNotFound(name);
    }

    private void Commit(StoredSecret secret)
    {
        _secrets[secret.Name] = secret;
        Save();
    }

    private void Save() => _file?.Save(_secrets.Values);

    // Key Vault reports times in whole seconds; storing them so keeps a read equal to what was written.
    private DateTimeOffset Now() => DateTimeOffset.FromUnixTimeSeconds(_timeProvider.GetUtcNow().ToUnixTimeSeconds());

    private static void RequireValidName(string name)
    {
        if (!SecretNames.IsValid(name))
        {
            throw KeyVaultServiceError.BadParameter($"The request URI contains an invalid name: {name}");
        }
    }
}
