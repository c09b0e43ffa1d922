using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;

namespace KvReplicator.Tests.Fakes;

/// <summary>
/// Secrets Manager in memory behind <see cref="ISecretTarget"/>. Staging labels move as AWS moves them: a label
/// sits on one version at a time, a version written without stages takes AWSCURRENT and the version that held
/// it takes AWSPREVIOUS, a secret's first version is AWSCURRENT whatever it was written with, a repeated write
/// of a version (same token, same value) changes nothing, and a version left without a label is no longer
/// listed. Each call is recorded under the name of the AWS operation that <see cref="SecretsManagerTarget"/>
/// makes for it, so tests count calls on the wire; every move of AWSCURRENT and AWSPREVIOUS is recorded too.
/// </summary>
internal sealed class InMemorySecretsManager(string supersededStage = "kvrep-superseded") : ISecretTarget
{
    public const string CurrentStage = "AWSCURRENT";
    public const string PreviousStage = "AWSPREVIOUS";

    private readonly Dictionary<string, Secret> _secrets = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _operations = new();
    private int _writes;

    /// <summary>The AWS operations made, in order.</summary>
    public IReadOnlyCollection<string> Operations => _operations;

    /// <summary>The takeover policy adopts (as <c>TakeoverPolicy=Adopt</c>); false refuses foreign secrets unless a write asks.</summary>
    public bool MayTakeOver { get; set; }

    /// <summary>Calls of <see cref="WriteAsync"/>.</summary>
    public int Writes => Volatile.Read(ref _writes);

    /// <summary>Runs before a write reaches AWS; may throw, wait, or observe the write's cancellation.</summary>
    public Func<TargetSecretWrite, CancellationToken, Task>? BeforeWrite { get; set; }

    /// <summary>Runs after a write landed in AWS, before its answer reaches the caller; may throw (a lost answer) or wait.</summary>
    public Func<TargetSecretWrite, CancellationToken, Task>? AfterWrite { get; set; }

    public int Count(string operation) => _operations.Count(op => op == operation);

    public void ClearOperations() => _operations.Clear();

    public bool Exists(string name) => Read(name, secret => secret is not null);

    public string? CurrentOf(string name) => Read(name, secret => secret?.Holder(CurrentStage));

    public string? PreviousOf(string name) => Read(name, secret => secret?.Holder(PreviousStage));

    /// <summary>Every version AWSCURRENT moved to, in order.</summary>
    public IReadOnlyList<string> CurrentHistory(string name) => Read(name, secret => secret?.CurrentHistory.ToArray() ?? []);

    /// <summary>Every version AWSPREVIOUS moved to, in order.</summary>
    public IReadOnlyList<string> PreviousHistory(string name) => Read(name, secret => secret?.PreviousHistory.ToArray() ?? []);

    public IReadOnlyCollection<string> StagesOf(string name, string version) =>
        Read(name, secret => secret is not null && secret.Versions.TryGetValue(version, out StoredVersion? stored) ? stored.Stages.ToArray() : []);

    /// <summary>True when AWS stores the version, labelled or not.</summary>
    public bool Holds(string name, string version) => Read(name, secret => secret?.Versions.ContainsKey(version) == true);

    public string? ValueOf(string name, string version) =>
        Read(name, secret => secret is not null && secret.Versions.TryGetValue(version, out StoredVersion? stored) ? stored.Value : null);

    public IReadOnlyDictionary<string, string> TagsOf(string name) => Read(name, secret => new Dictionary<string, string>(secret!.Tags));

    /// <summary>Creates a secret as another writer (or an earlier run) left it; versions are listed oldest first.</summary>
    public void Seed(string name, IReadOnlyDictionary<string, string> tags, string? description, params (string Version, string Value, string[] Stages)[] versions)
    {
        var secret = new Secret { Description = description };
        foreach ((string key, string value) in tags)
        {
            secret.Tags[key] = value;
        }

        foreach ((string version, string value, string[] stages) in versions)
        {
            secret.Versions[version] = new StoredVersion(value);
            foreach (string stage in stages)
            {
                secret.Move(stage, version);
            }
        }

        lock (_secrets)
        {
            _secrets[name] = secret;
        }
    }

    /// <summary>Creates a secret of ours replicated from <paramref name="sourceName"/>, with the metadata the replicator gives it.</summary>
    public void SeedOwned(string name, string sourceVault, string sourceName, IReadOnlyDictionary<string, string>? sourceTags, params (string Version, string Value, string[] Stages)[] versions)
    {
        ReplicatedMetadata metadata = ReplicatedMetadata.For(sourceVault, sourceName, sourceTags, null);
        Seed(name, metadata.Tags, metadata.Description, versions);
    }

    /// <summary>Deletes a secret for good, behind the replicator's back.</summary>
    public void ForceDelete(string name)
    {
        lock (_secrets)
        {
            _secrets.Remove(name);
        }
    }

    /// <summary>Schedules a secret for deletion, behind the replicator's back.</summary>
    public void ScheduleDeletion(string name)
    {
        lock (_secrets)
        {
            _secrets[name].ScheduledForDeletion = true;
        }
    }

    /// <remarks>The branches of <see cref="SecretsManagerTarget.WriteAsync"/>, with the AWS calls each one makes.</remarks>
    public async Task<TargetWriteResult> WriteAsync(TargetSecretWrite write, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _writes);
        if (BeforeWrite is { } before)
        {
            await before(write, cancellationToken).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
        TargetWriteResult result;
        lock (_secrets)
        {
            result = WriteLocked(write);
        }

        if (AfterWrite is { } after)
        {
            await after(write, cancellationToken).ConfigureAwait(false);
        }

        return result;
    }

    public Task<TargetSecretSummary?> DescribeAsync(string targetName, CancellationToken cancellationToken = default)
    {
        lock (_secrets)
        {
            Record("DescribeSecret");
            return Task.FromResult(_secrets.TryGetValue(targetName, out Secret? secret) ? Summary(targetName, secret) : null);
        }
    }

    public Task<bool> PromoteAsync(string targetName, string versionId, string expectedCurrentVersionId, CancellationToken cancellationToken = default)
    {
        lock (_secrets)
        {
            Record("UpdateSecretVersionStage");
            if (!_secrets.TryGetValue(targetName, out Secret? secret) || !secret.Versions.ContainsKey(versionId)
                || !string.Equals(secret.Holder(CurrentStage), expectedCurrentVersionId, StringComparison.Ordinal))
            {
                return Task.FromResult(false);
            }

            secret.Move(CurrentStage, versionId);
            return Task.FromResult(true);
        }
    }

    public async IAsyncEnumerable<TargetSecretSummary> ListSecretsAsync(string namePrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        TargetSecretSummary[] summaries;
        lock (_secrets)
        {
            Record("ListSecrets");
            summaries = [.. _secrets
                .Select(pair => Summary(pair.Key, pair.Value))
                .Where(summary => summary.Name.StartsWith(namePrefix, StringComparison.Ordinal) || summary.IsOwned)];
        }

        foreach (TargetSecretSummary summary in summaries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return summary;
        }
    }

    public Task<SecretValue?> ReadCurrentValueAsync(string targetName, CancellationToken cancellationToken = default)
    {
        lock (_secrets)
        {
            Record("GetSecretValue");
            return Task.FromResult(_secrets.TryGetValue(targetName, out Secret? secret) && !secret.ScheduledForDeletion && secret.Holder(CurrentStage) is { } current
                ? new SecretValue(secret.Versions[current].Value)
                : null);
        }
    }

    public Task<SecretValue?> ReadVersionValueAsync(string targetName, string versionId, CancellationToken cancellationToken = default)
    {
        lock (_secrets)
        {
            Record("GetSecretValue");
            return Task.FromResult(_secrets.TryGetValue(targetName, out Secret? secret) && !secret.ScheduledForDeletion
                && secret.Versions.FirstOrDefault(pair => string.Equals(pair.Key, versionId, StringComparison.OrdinalIgnoreCase)).Value is { } version
                ? new SecretValue(version.Value)
                : null);
        }
    }

    public Task RestoreAsync(string targetName, CancellationToken cancellationToken = default)
    {
        lock (_secrets)
        {
            Secret secret = Owned(targetName, "restore");
            if (secret.ScheduledForDeletion)
            {
                Record("RestoreSecret");
                secret.ScheduledForDeletion = false;
            }
        }

        return Task.CompletedTask;
    }

    // Secrets Manager's own rules, as the real target applies them.
    public TargetMetadataUpdate MetadataUpdateFor(SourceSecretVersion source, TargetSecretSummary target) =>
        ReplicatedMetadata.For(source.VaultName, source.Name, source.Tags, source.ContentType).UpdateFrom(target.Name, target.Tags, target.Description);

    public Task UpdateMetadataAsync(TargetMetadataUpdate update, CancellationToken cancellationToken = default)
    {
        if (update.IsEmpty)
        {
            return Task.CompletedTask;
        }

        lock (_secrets)
        {
            Secret secret = Owned(update.TargetName, "update the metadata of");
            if (update.SetTags.Count > 0)
            {
                Record("TagResource");
                foreach ((string key, string value) in update.SetTags)
                {
                    secret.Tags[key] = value;
                }
            }

            if (update.RemoveTagKeys.Count > 0)
            {
                Record("UntagResource");
                foreach (string key in update.RemoveTagKeys)
                {
                    secret.Tags.Remove(key);
                }
            }

            if (update.Description is not null)
            {
                Record("UpdateSecret");
                secret.Description = update.Description;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>What <see cref="CompareSettingsAsync"/> answers per secret (nothing differs for a secret not listed); a repair clears it.</summary>
    public ConcurrentDictionary<string, TargetSettingsDrift> SettingsDrift { get; } = new(StringComparer.Ordinal);

    /// <summary>Secrets whose settings repair fails, as AWS refusing the calls would.</summary>
    public ConcurrentDictionary<string, bool> SettingsRepairFails { get; } = new(StringComparer.Ordinal);

    public Task<TargetSettingsDrift> CompareSettingsAsync(string targetName, CancellationToken cancellationToken = default) =>
        Task.FromResult(SettingsDrift.TryGetValue(targetName, out TargetSettingsDrift? drift) ? drift : TargetSettingsDrift.None(targetName));

    public Task RepairSettingsAsync(TargetSettingsDrift drift, CancellationToken cancellationToken = default)
    {
        lock (_secrets)
        {
            Owned(drift.TargetName, "change the settings of");
            foreach ((bool repair, string operation) in new[] { (drift.ResourcePolicyDiffers, "PutResourcePolicy"), (drift.KmsKeyId is not null, "UpdateSecret"), (drift.MissingReplicaRegions.Count > 0, "ReplicateSecretToRegions") })
            {
                if (repair)
                {
                    Record(operation);
                }
            }

            if (SettingsRepairFails.ContainsKey(drift.TargetName))
            {
                throw new SecretStoreException($"Secrets Manager PutResourcePolicy failed for '{drift.TargetName}' (AccessDeniedException)", isTransient: false, "AccessDeniedException");
            }

            SettingsDrift.TryRemove(drift.TargetName, out _);
        }

        return Task.CompletedTask;
    }

    public Task DeleteAsync(string targetName, TargetDeletion deletion, CancellationToken cancellationToken = default)
    {
        lock (_secrets)
        {
            Secret secret = Owned(targetName, "delete");
            Record("DeleteSecret");
            if (deletion.Force)
            {
                _secrets.Remove(targetName);
            }
            else
            {
                secret.ScheduledForDeletion = true;
            }
        }

        return Task.CompletedTask;
    }

    private TargetWriteResult WriteLocked(TargetSecretWrite write)
    {
        _secrets.TryGetValue(write.TargetName, out Secret? known);
        if (write.TargetKnownOwned)
        {
            Record("PutSecretValue");
            if (known is { ScheduledForDeletion: false })
            {
                Put(known, write);
                return new TargetWriteResult(CreatedSecret: false, RestoredSecret: false, OwnershipVerified: false);
            }

            if (known is null && write.Stage != TargetVersionStage.Current)
            {
                return TargetWriteResult.Missing;
            }
        }
        else if (write.Stage == TargetVersionStage.Current && !write.VerifyTarget)
        {
            Record("CreateSecret");
            if (known is null)
            {
                Create(write);
                return new TargetWriteResult(CreatedSecret: true, RestoredSecret: false, OwnershipVerified: true);
            }
        }

        Record("DescribeSecret");
        if (known is null)
        {
            if (write.Stage != TargetVersionStage.Current)
            {
                return TargetWriteResult.Missing;
            }

            Record("CreateSecret");
            Create(write);
            return new TargetWriteResult(CreatedSecret: true, RestoredSecret: false, OwnershipVerified: true);
        }

        bool owned = IsOwned(known);
        if (!owned && !write.AdoptForeign && !MayTakeOver)
        {
            throw new SecretStoreException($"Secrets Manager secret '{write.TargetName}' exists without the managed-by tag", isTransient: false, TargetErrorCodes.ForeignSecret);
        }

        if (owned && ((known.Tags.TryGetValue(ReplicationTags.SourceVault, out string? vault) && !string.Equals(vault, write.Source.VaultName, StringComparison.OrdinalIgnoreCase))
            || (known.Tags.TryGetValue(ReplicationTags.SourceName, out string? name) && !string.Equals(name, write.Source.Name, StringComparison.OrdinalIgnoreCase))))
        {
            throw new SecretStoreException($"Secrets Manager secret '{write.TargetName}' is replicated from another source", isTransient: false, TargetErrorCodes.SourceMismatch);
        }

        if (write.Stage != TargetVersionStage.Current && known.Holder(CurrentStage) is null)
        {
            return TargetWriteResult.Missing;
        }

        bool restored = known.ScheduledForDeletion;
        if (restored)
        {
            Record("RestoreSecret");
            known.ScheduledForDeletion = false;
        }

        if (!owned)
        {
            Record("TagResource");
            foreach ((string key, string value) in TagsFor(write))
            {
                known.Tags[key] = value;
            }
        }

        if (write.VerifyTarget && known.Versions.TryGetValue(write.VersionId, out StoredVersion? held) && held.Stages.Count > 0)
        {
            // Sync, and AWS lists the version: only its stage is moved, from what DescribeSecret showed.
            if (Label(write.Stage) is { } label && !held.Stages.Contains(label))
            {
                Record("UpdateSecretVersionStage");
                known.Move(label, write.VersionId);
            }
        }
        else
        {
            Record("PutSecretValue");
            Put(known, write);
        }

        return new TargetWriteResult(CreatedSecret: false, RestoredSecret: restored, OwnershipVerified: true);
    }

    private void Create(TargetSecretWrite write)
    {
        var secret = new Secret { Description = ReplicatedMetadata.For(write.Source.VaultName, write.Source.Name, write.Source.Tags, write.Source.ContentType).Description };
        foreach ((string key, string value) in TagsFor(write))
        {
            secret.Tags[key] = value;
        }

        secret.Versions[write.VersionId] = new StoredVersion(write.Value.Reveal());
        secret.Move(CurrentStage, write.VersionId);
        _secrets[write.TargetName] = secret;
    }

    /// <summary>PutSecretValue, and the stage move the adapter makes when a repeated write finds its version without the stage.</summary>
    private void Put(Secret secret, TargetSecretWrite write)
    {
        string? label = Label(write.Stage);
        if (secret.Versions.TryGetValue(write.VersionId, out StoredVersion? existing))
        {
            if (existing.Value != write.Value.Reveal())
            {
                throw new SecretStoreException($"Secrets Manager secret '{write.TargetName}' already has version {write.VersionId} with a different value", isTransient: false, TargetErrorCodes.VersionConflict);
            }

            if (label is not null && !existing.Stages.Contains(label))
            {
                Record("DescribeSecret");
                Record("UpdateSecretVersionStage");
                secret.Move(label, write.VersionId);
            }

            return;
        }

        bool first = secret.Holder(CurrentStage) is null;
        secret.Versions[write.VersionId] = new StoredVersion(write.Value.Reveal());
        secret.Move(label ?? supersededStage, write.VersionId);
        if (first && label != CurrentStage)
        {
            secret.Move(CurrentStage, write.VersionId);
        }
    }

    private static string? Label(TargetVersionStage stage) => stage switch
    {
        TargetVersionStage.Current => CurrentStage,
        TargetVersionStage.Previous => PreviousStage,
        _ => null,
    };

    private Secret Owned(string targetName, string action)
    {
        Record("DescribeSecret");
        if (!_secrets.TryGetValue(targetName, out Secret? secret))
        {
            throw new SecretStoreException($"Secrets Manager DescribeSecret failed: ResourceNotFoundException ({targetName})", isTransient: false, "ResourceNotFoundException");
        }

        return IsOwned(secret)
            ? secret
            : throw new SecretStoreException($"Secrets Manager secret '{targetName}' lacks the managed-by tag; refusing to {action} it.", isTransient: false, TargetErrorCodes.ForeignSecret);
    }

    private static Dictionary<string, string> TagsFor(TargetSecretWrite write)
    {
        var tags = new Dictionary<string, string>(ReplicatedMetadata.For(write.Source.VaultName, write.Source.Name, write.Source.Tags, write.Source.ContentType).Tags, StringComparer.Ordinal)
        {
            [ReplicationTags.SourceVersion] = write.VersionId,
        };
        return tags;
    }

    /// <summary>As <see cref="SecretsManagerTarget"/> judges it: the managed-by tag alone, without the source tags, is someone else's.</summary>
    private static bool IsOwned(Secret secret) =>
        secret.Tags.TryGetValue(ReplicationTags.ManagedBy, out string? value) && value == ReplicationTags.ManagedByValue
        && (secret.Tags.ContainsKey(ReplicationTags.SourceVault) || secret.Tags.ContainsKey(ReplicationTags.SourceName));

    private static TargetSecretSummary Summary(string name, Secret secret) => new()
    {
        Name = name,
        IsOwned = IsOwned(secret),
        SourceVault = secret.Tags.GetValueOrDefault(ReplicationTags.SourceVault),
        SourceName = secret.Tags.GetValueOrDefault(ReplicationTags.SourceName),
        CurrentVersionId = secret.Holder(CurrentStage),
        PreviousVersionId = secret.Holder(PreviousStage),

        // DescribeSecret lists only versions with a label: the others are deprecated, and AWS may remove them.
        VersionIds = secret.Versions.Where(pair => pair.Value.Stages.Count > 0).Select(pair => pair.Key).ToHashSet(StringComparer.OrdinalIgnoreCase),
        ScheduledForDeletion = secret.ScheduledForDeletion,
        Description = secret.Description,
        Tags = new Dictionary<string, string>(secret.Tags, StringComparer.Ordinal),
    };

    private T Read<T>(string name, Func<Secret?, T> read)
    {
        lock (_secrets)
        {
            return read(_secrets.GetValueOrDefault(name));
        }
    }

    private void Record(string operation) => _operations.Enqueue(operation);

    private sealed class Secret
    {
        public Dictionary<string, StoredVersion> Versions { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

        public string? Description { get; set; }

        public bool ScheduledForDeletion { get; set; }

        public List<string> CurrentHistory { get; } = [];

        public List<string> PreviousHistory { get; } = [];

        public string? Holder(string label) => Versions.FirstOrDefault(pair => pair.Value.Stages.Contains(label)).Key;

        /// <summary>Moves a label to a version; moving AWSCURRENT hands AWSPREVIOUS to the version that held it.</summary>
        public void Move(string label, string version)
        {
            string? from = Holder(label);
            if (from == version)
            {
                return;
            }

            if (from is not null)
            {
                Versions[from].Stages.Remove(label);
            }

            Versions[version].Stages.Add(label);
            if (label == CurrentStage)
            {
                CurrentHistory.Add(version);
                if (from is not null)
                {
                    Move(PreviousStage, from);
                }
            }
            else if (label == PreviousStage)
            {
                PreviousHistory.Add(version);
            }
        }
    }

    private sealed class StoredVersion(string value)
    {
        public string Value { get; } = value;

        public HashSet<string> Stages { get; } = new(StringComparer.Ordinal);
    }
}
