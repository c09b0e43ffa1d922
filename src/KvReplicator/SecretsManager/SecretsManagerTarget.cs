using System.Runtime.CompilerServices;
using KvReplicator.SecretsManager.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvReplicator.SecretsManager;

/// <summary>
/// Writes Key Vault versions as Secrets Manager versions. The Key Vault version id is the
/// ClientRequestToken, so a replayed write of the same value is a no-op in Secrets Manager and the
/// same version never lands twice. Secrets it did not create are refused unless its takeover policy
/// adopts them. Values whose Key Vault content type is binary are written as SecretBinary.
/// </summary>
internal sealed partial class SecretsManagerTarget : ISecretTarget
{
    private const string CurrentStage = "AWSCURRENT";
    private const string PreviousStage = "AWSPREVIOUS";
    private const int MaxTagsPerSecret = 50;

    private readonly SecretsManagerClient _client;
    private readonly SecretsManagerOptions _options;
    private readonly SourceTagFilter _tagFilter;
    private readonly HashSet<string> _binaryContentTypes;
    private readonly ILogger _logger;

    public SecretsManagerTarget(SecretsManagerClient client, SecretsManagerOptions options, ILogger<SecretsManagerTarget>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options;
        _tagFilter = new SourceTagFilter(options.IncludeTagPatterns, options.ExcludeTagPatterns);
        _binaryContentTypes = new HashSet<string>(options.BinaryContentTypes.Where(type => !string.IsNullOrWhiteSpace(type)).Select(type => type.Trim()), StringComparer.OrdinalIgnoreCase);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <remarks>
    /// One call in the common cases: PutSecretValue when the ledger knows the target as ours, CreateSecret for
    /// a new secret's current version. DescribeSecret only when neither holds (first write to an existing
    /// secret, adoption, a target deleted or scheduled for deletion behind our back).
    /// </remarks>
    public async Task<TargetWriteResult> WriteAsync(TargetSecretWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (write.TargetKnownOwned)
        {
            try
            {
                await PutVersionAsync(write, cancellationToken).ConfigureAwait(false);
                return new TargetWriteResult(CreatedSecret: false, RestoredSecret: false, OwnershipVerified: false);
            }
            catch (SecretsManagerException exception) when (exception.ErrorType == SecretsManagerErrorTypes.ResourceNotFound && write.Stage != TargetVersionStage.Current)
            {
                return TargetWriteResult.Missing;
            }
            catch (SecretsManagerException exception) when (
                exception.ErrorType == SecretsManagerErrorTypes.ResourceNotFound || SecretsManagerErrorTypes.IsMarkedForDeletion(exception))
            {
                // Deleted or scheduled for deletion behind our back: look, then create or restore.
            }
        }
        else if (write.Stage == TargetVersionStage.Current && !write.VerifyTarget)
        {
            try
            {
                await CreateAsync(write, cancellationToken).ConfigureAwait(false);
                return new TargetWriteResult(CreatedSecret: true, RestoredSecret: false, OwnershipVerified: true);
            }
            catch (SecretsManagerException exception) when (
                exception is { ErrorType: SecretsManagerErrorTypes.ResourceExists, Operation: "CreateSecret" } || SecretsManagerErrorTypes.IsMarkedForDeletion(exception))
            {
                // It exists already (perhaps scheduled for deletion): whose it is decides whether we may write to it.
            }
        }

        return await WriteAfterDescribingAsync(write, cancellationToken).ConfigureAwait(false);
    }

    public bool MayTakeOver => _options.EffectiveTakeoverPolicy != TakeoverPolicy.Refuse;

    public async Task<TargetSecretSummary?> DescribeAsync(string targetName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        DescribeSecretResponse? secret = await TryDescribeAsync(targetName, cancellationToken).ConfigureAwait(false);
        return secret is null ? null : ToSummary(targetName, secret);
    }

    public async Task<bool> PromoteAsync(string targetName, string versionId, string expectedCurrentVersionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        ArgumentException.ThrowIfNullOrEmpty(versionId);
        ArgumentException.ThrowIfNullOrEmpty(expectedCurrentVersionId);
        try
        {
            // RemoveFromVersionId must be where AWSCURRENT is now, which makes the move a compare-and-swap.
            await _client.UpdateSecretVersionStageAsync(
                new UpdateSecretVersionStageRequest
                {
                    SecretId = targetName,
                    VersionStage = CurrentStage,
                    MoveToVersionId = versionId,
                    RemoveFromVersionId = expectedCurrentVersionId,
                },
                cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (SecretsManagerException exception) when (exception.ErrorType is SecretsManagerErrorTypes.ResourceNotFound or SecretsManagerErrorTypes.InvalidParameter)
        {
            // ResourceNotFound: the version (or secret) is not there. InvalidParameter: AWSCURRENT is no longer on the expected version.
            return false;
        }
    }

    private async Task<TargetWriteResult> WriteAfterDescribingAsync(TargetSecretWrite write, CancellationToken cancellationToken)
    {
        DescribeSecretResponse? existing = await TryDescribeAsync(write.TargetName, cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            if (write.Stage != TargetVersionStage.Current)
            {
                return TargetWriteResult.Missing;
            }

            try
            {
                await CreateAsync(write, cancellationToken).ConfigureAwait(false);
                return new TargetWriteResult(CreatedSecret: true, RestoredSecret: false, OwnershipVerified: true);
            }
            catch (SecretsManagerException exception) when (exception is { ErrorType: SecretsManagerErrorTypes.ResourceExists, Operation: "CreateSecret" })
            {
                // Created by someone else between our DescribeSecret and CreateSecret.
                existing = await TryDescribeAsync(write.TargetName, cancellationToken).ConfigureAwait(false)
                    ?? throw new SecretStoreException(
                        $"Secrets Manager target '{write.TargetName}' was reported as existing, then as missing; retry.", isTransient: true, SecretsManagerErrorTypes.ResourceNotFound);
            }
        }

        bool owned = IsOwned(existing.Tags);
        if (!owned)
        {
            await EnsureTakeoverAllowedAsync(write, existing, cancellationToken).ConfigureAwait(false);
        }

        if (owned)
        {
            EnsureSameSource(write, existing);
        }

        if (write.Stage != TargetVersionStage.Current && !HasCurrentVersion(existing))
        {
            // AWS makes a secret's first version AWSCURRENT whatever VersionStages says: an older version
            // written first would be current until the newer one lands. The caller writes the newer one first.
            return TargetWriteResult.Missing;
        }

        bool restored = false;
        if (existing.DeletedDate is not null)
        {
            await _client.RestoreSecretAsync(new RestoreSecretRequest { SecretId = write.TargetName }, cancellationToken).ConfigureAwait(false);
            LogRestored(write.TargetName, write.VersionId);
            restored = true;
        }

        // Tagging a secret scheduled for deletion is refused, so adoption comes after the restore.
        if (!owned)
        {
            Tag[] tags = WithinTagLimit(write.TargetName, TagDictionary(existing.Tags), TagsFor(write, MetadataFor(write.Source)), remove: []);
            await _client.TagResourceAsync(new TagResourceRequest { SecretId = write.TargetName, Tags = tags }, cancellationToken).ConfigureAwait(false);
            LogAdopted(write.TargetName, write.VersionId);
            await AddMissingReplicasAsync(write.TargetName, existing, cancellationToken).ConfigureAwait(false);
        }

        // Also for a secret of ours found here: a create whose policy call failed is completed by its retry,
        // which comes this way. PutResourcePolicy is idempotent, and this path is the rare one.
        await PutResourcePolicyAsync(write.TargetName, cancellationToken).ConfigureAwait(false);

        if (write.VerifyTarget && existing.VersionIdsToStages?.Keys.Contains(write.VersionId, StringComparer.OrdinalIgnoreCase) == true)
        {
            // Sync, and the version is there already: a put would change nothing but still spend a write of the
            // account's quota (sync compares values itself); only its stage may need moving. The event path
            // does put, so that a version id holding another value is refused as a conflict.
            if (StageLabel(write.Stage) is { } label && !existing.VersionIdsToStages.Any(pair => string.Equals(pair.Key, write.VersionId, StringComparison.OrdinalIgnoreCase) && pair.Value.Contains(label)))
            {
                await MoveStageAsync(write.TargetName, label, write.VersionId, existing, cancellationToken).ConfigureAwait(false);
            }
        }
        else
        {
            await PutVersionAsync(write, cancellationToken).ConfigureAwait(false);
        }

        return new TargetWriteResult(CreatedSecret: false, RestoredSecret: restored, OwnershipVerified: true);
    }

    private async Task<DescribeSecretResponse?> TryDescribeAsync(string targetName, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = targetName }, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretsManagerException exception) when (exception.ErrorType == SecretsManagerErrorTypes.ResourceNotFound)
        {
            return null;
        }
    }

    private async Task CreateAsync(TargetSecretWrite write, CancellationToken cancellationToken)
    {
        (SecretValue? text, SecretValue? binary) = WireValue(write);
        ReplicatedMetadata metadata = MetadataFor(write.Source);
        var request = new CreateSecretRequest
        {
            Name = write.TargetName,
            ClientRequestToken = write.VersionId,
            SecretString = text,
            SecretBinary = binary,
            Description = metadata.Description,
            KmsKeyId = string.IsNullOrWhiteSpace(_options.KmsKeyId) ? null : _options.KmsKeyId,
            Tags = TagsFor(write, metadata),
            AddReplicaRegions = _options.ReplicaRegions.Count == 0 ? null : Replicas(_options.ReplicaRegions),
        };
        await _client.CreateSecretAsync(request, cancellationToken).ConfigureAwait(false);

        // CreateSecret takes no policy. Should this call fail, the retry finds the secret and puts it then.
        await PutResourcePolicyAsync(write.TargetName, cancellationToken).ConfigureAwait(false);
    }

    private ReplicaRegionType[] Replicas(IEnumerable<string> regions) =>
        [.. regions.Select(region => new ReplicaRegionType { Region = region, KmsKeyId = _options.ReplicaKmsKeyIds.TryGetValue(region, out string? key) ? key : null })];

    private async Task PutResourcePolicyAsync(string targetName, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(_options.ResourcePolicy))
        {
            return;
        }

        await _client.PutResourcePolicyAsync(
            new PutResourcePolicyRequest { SecretId = targetName, ResourcePolicy = _options.ResourcePolicy, BlockPublicPolicy = _options.BlockPublicPolicy },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An adopted secret, or one sync finds without them, gets the configured replica regions it lacks; replicas it
    /// has are left as they are, those it has beyond the configured ones included.
    /// </summary>
    private async Task AddMissingReplicasAsync(string targetName, DescribeSecretResponse existing, CancellationToken cancellationToken)
    {
        IReadOnlyList<string> missing = SecretSettings.MissingReplicaRegions(_options, existing);
        if (missing.Count > 0)
        {
            await _client.ReplicateSecretToRegionsAsync(new ReplicateSecretToRegionsRequest { SecretId = targetName, AddReplicaRegions = Replicas(missing) }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Refuses to take over a secret that is not ours unless the takeover policy (or <c>kvrep sync --adopt</c>)
    /// allows it. AdoptIfEqual reads the secret's current value and compares it with the version's; neither
    /// value reaches the message.
    /// </summary>
    private async Task EnsureTakeoverAllowedAsync(TargetSecretWrite write, DescribeSecretResponse existing, CancellationToken cancellationToken)
    {
        TakeoverPolicy policy = write.AdoptForeign ? TakeoverPolicy.Adopt : _options.EffectiveTakeoverPolicy;
        string whose = IsTagged(existing.Tags)
            ? $"carries {ReplicationTags.ManagedBy}={ReplicationTags.ManagedByValue} but not the source tags KvReplicator writes, so it is treated as someone else's"
            : $"exists without the tag {ReplicationTags.ManagedBy}={ReplicationTags.ManagedByValue}";
        if (policy == TakeoverPolicy.Adopt)
        {
            return;
        }

        if (policy == TakeoverPolicy.AdoptIfEqual)
        {
            if (await CurrentValueEqualsAsync(write, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            throw new SecretStoreException(
                $"Secrets Manager secret '{write.TargetName}' {whose}, and its current value differs from version {write.VersionId} (or it has none); refusing to take it over (KvReplicator:SecretsManager:TakeoverPolicy=AdoptIfEqual).",
                isTransient: false,
                TargetErrorCodes.ForeignSecret);
        }

        throw new SecretStoreException(
            $"Secrets Manager secret '{write.TargetName}' {whose}; refusing to overwrite it (set KvReplicator:SecretsManager:TakeoverPolicy to Adopt or AdoptIfEqual to take it over).",
            isTransient: false,
            TargetErrorCodes.ForeignSecret);
    }

    private async Task<bool> CurrentValueEqualsAsync(TargetSecretWrite write, CancellationToken cancellationToken)
    {
        GetSecretValueResponse current;
        try
        {
            current = await _client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = write.TargetName, VersionStage = CurrentStage }, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretsManagerException exception) when (
            exception.ErrorType == SecretsManagerErrorTypes.ResourceNotFound || SecretsManagerErrorTypes.IsMarkedForDeletion(exception))
        {
            return false;
        }

        // A string and a binary value are different values even when their texts agree.
        (SecretValue? text, SecretValue? binary) = WireValue(write);
        return text is not null
            ? current.SecretBinary is null && text.Equals(current.SecretString)
            : current.SecretString is null && binary!.Equals(current.SecretBinary);
    }

    /// <summary>
    /// The value as it goes on the wire: SecretString, or SecretBinary when the source's content type is one of
    /// <see cref="SecretsManagerOptions.BinaryContentTypes"/>. Key Vault holds binary values base64-encoded, and
    /// the JSON protocol carries blobs base64-encoded, so a binary value is the same text, made canonical so
    /// that reading it back compares equal however the source padded or wrapped it.
    /// </summary>
    private (SecretValue? Text, SecretValue? Binary) WireValue(TargetSecretWrite write)
    {
        if (!IsBinary(write.Source.ContentType))
        {
            return (write.Value, null);
        }

        string encoded = write.Value.Reveal();
        byte[] bytes = new byte[encoded.Length * 3 / 4 + 3];
        try
        {
            if (!Convert.TryFromBase64String(encoded, bytes, out int length))
            {
                throw new SecretStoreException(
                    $"Key Vault secret {write.Source.VaultName}/{write.Source.Name} version {write.VersionId} has content type '{write.Source.ContentType}', which KvReplicator:SecretsManager:BinaryContentTypes makes binary, but its value is not base64; store binary values base64-encoded or change the content type.",
                    isTransient: false,
                    TargetErrorCodes.BinaryValueNotBase64);
            }

            return (null, new SecretValue(Convert.ToBase64String(bytes, 0, length)));
        }
        finally
        {
            Array.Clear(bytes);
        }
    }

    private bool IsBinary(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType) || _binaryContentTypes.Count == 0)
        {
            return false;
        }

        // "application/octet-stream; charset=binary" is still application/octet-stream.
        int parameters = contentType.IndexOf(';', StringComparison.Ordinal);
        return _binaryContentTypes.Contains((parameters >= 0 ? contentType[..parameters] : contentType).Trim());
    }

    /// <remarks>
    /// Without VersionStages Secrets Manager makes the version AWSCURRENT and moves AWSPREVIOUS to the version
    /// that held it; a staging label given explicitly moves from whichever version holds it to this one. A
    /// repeated write changes nothing, stages included: when the version already existed without the stage it
    /// is to hold (a reconcile, or a record lost from the ledger), the stage is moved to it explicitly.
    /// </remarks>
    private async Task PutVersionAsync(TargetSecretWrite write, CancellationToken cancellationToken)
    {
        PutSecretValueResponse response;
        (SecretValue? text, SecretValue? binary) = WireValue(write);
        try
        {
            response = await _client.PutSecretValueAsync(
                new PutSecretValueRequest
                {
                    SecretId = write.TargetName,
                    ClientRequestToken = write.VersionId,
                    SecretString = text,
                    SecretBinary = binary,
                    VersionStages = write.Stage switch
                    {
                        TargetVersionStage.Current => null,
                        TargetVersionStage.Previous => [PreviousStage],
                        _ => [_options.SupersededVersionStage],
                    },
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (SecretsManagerException exception) when (exception.ErrorType == SecretsManagerErrorTypes.ResourceExists)
        {
            // Same token and same value is a silent no-op, so this means the version id already holds another value.
            throw new SecretStoreException(
                $"Secrets Manager secret '{write.TargetName}' already has version {write.VersionId} with a different value; refusing to overwrite it.",
                isTransient: false,
                TargetErrorCodes.VersionConflict,
                exception);
        }

        if (StageLabel(write.Stage) is { } label && response.VersionStages is { } stages && !stages.Contains(label))
        {
            await MoveStageAsync(write.TargetName, label, write.VersionId, described: null, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string? StageLabel(TargetVersionStage stage) => stage switch
    {
        TargetVersionStage.Current => CurrentStage,
        TargetVersionStage.Previous => PreviousStage,
        _ => null,
    };

    private async Task MoveStageAsync(string targetName, string label, string versionId, DescribeSecretResponse? described, CancellationToken cancellationToken)
    {
        DescribeSecretResponse secret = described
            ?? await _client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = targetName }, cancellationToken).ConfigureAwait(false);
        string? holder = secret.VersionIdsToStages?.FirstOrDefault(pair => pair.Value.Contains(label)).Key;
        if (string.Equals(holder, versionId, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        // RemoveFromVersionId names where the label is now, which makes the move a compare-and-swap; AWS moves
        // AWSPREVIOUS along when AWSCURRENT moves.
        await _client.UpdateSecretVersionStageAsync(
            new UpdateSecretVersionStageRequest { SecretId = targetName, VersionStage = label, MoveToVersionId = versionId, RemoveFromVersionId = holder },
            cancellationToken).ConfigureAwait(false);
        LogStageMoved(targetName, label, versionId);
    }

    public async IAsyncEnumerable<TargetSecretSummary> ListSecretsAsync(string namePrefix, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(namePrefix);
        var seen = new HashSet<string>(StringComparer.Ordinal);

        // Secrets Manager ANDs its filters, so "under the prefix" and "carries our tag" are two listings. Without
        // a prefix every secret could collide with a source name, so the one listing is of everything.
        IReadOnlyList<Filter>?[] listings = namePrefix.Length == 0
            ? [null]
            : [
                [new Filter { Key = Filter.NameKey, Values = [namePrefix] }],
                [new Filter { Key = Filter.TagKeyKey, Values = [ReplicationTags.ManagedBy] }, new Filter { Key = Filter.TagValueKey, Values = [ReplicationTags.ManagedByValue] }],
            ];
        foreach (IReadOnlyList<Filter>? filters in listings)
        {
            string? nextToken = null;
            do
            {
                ListSecretsResponse page = await _client.ListSecretsAsync(
                    new ListSecretsRequest { Filters = filters, IncludePlannedDeletion = true, MaxResults = 100, NextToken = nextToken },
                    cancellationToken).ConfigureAwait(false);
                foreach (SecretListEntry entry in page.SecretList)
                {
                    // The name filter is a prefix match that AWS applies case-insensitively; ours is exact.
                    if (entry.Name is { } name && (filters is null || filters[0].Key != Filter.NameKey || name.StartsWith(namePrefix, StringComparison.Ordinal)) && seen.Add(name))
                    {
                        yield return ToSummary(entry);
                    }
                }

                nextToken = string.IsNullOrEmpty(page.NextToken) ? null : page.NextToken;
            }
            while (nextToken is not null);
        }
    }

    public Task<SecretValue?> ReadCurrentValueAsync(string targetName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        return ReadValueAsync(new GetSecretValueRequest { SecretId = targetName, VersionStage = CurrentStage }, cancellationToken);
    }

    public Task<SecretValue?> ReadVersionValueAsync(string targetName, string versionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        ArgumentException.ThrowIfNullOrEmpty(versionId);
        return ReadValueAsync(new GetSecretValueRequest { SecretId = targetName, VersionId = versionId }, cancellationToken);
    }

    public TargetMetadataUpdate MetadataUpdateFor(SourceSecretVersion source, TargetSecretSummary target)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        return MetadataFor(source).UpdateFrom(target.Name, target.Tags, target.Description);
    }

    public async Task UpdateMetadataAsync(TargetMetadataUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.IsEmpty)
        {
            return;
        }

        DescribeSecretResponse secret = await EnsureOwnedAsync(update.TargetName, "update the metadata of", cancellationToken).ConfigureAwait(false);

        // The update was planned from a listing; the secret as described now may already carry part of it (a
        // write that adopted it has just tagged it), and every call left out is one write fewer against the quota.
        Dictionary<string, string> tags = TagDictionary(secret.Tags);
        string[] remove = [.. update.RemoveTagKeys.Where(tags.ContainsKey)];
        Tag[] set = WithinTagLimit(
            update.TargetName,
            tags,
            [.. update.SetTags.Where(tag => !tags.TryGetValue(tag.Key, out string? value) || value != tag.Value).Select(tag => new Tag { Key = tag.Key, Value = tag.Value })],
            remove);

        // Removals first: the tagging call also rewrites the record of the source tags we applied, and a record
        // that no longer names a tag whose removal then failed would leave that tag behind for good.
        if (remove.Length > 0)
        {
            await _client.UntagResourceAsync(new UntagResourceRequest { SecretId = update.TargetName, TagKeys = remove }, cancellationToken).ConfigureAwait(false);
        }

        if (set.Length > 0)
        {
            await _client.TagResourceAsync(new TagResourceRequest { SecretId = update.TargetName, Tags = set }, cancellationToken).ConfigureAwait(false);
        }

        if (update.Description is not null && !string.Equals(update.Description, secret.Description, StringComparison.Ordinal))
        {
            await _client.UpdateSecretAsync(new UpdateSecretRequest { SecretId = update.TargetName, Description = update.Description }, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <remarks>Two reads at most (DescribeSecret, GetResourcePolicy), each only when a setting needs it.</remarks>
    public async Task<TargetSettingsDrift> CompareSettingsAsync(string targetName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        DescribeSecretResponse? described = SecretSettings.NeedsDescription(_options)
            ? await _client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = targetName }, cancellationToken).ConfigureAwait(false)
            : null;
        string? policy = SecretSettings.ComparesPolicy(_options)
            ? (await _client.GetResourcePolicyAsync(new GetResourcePolicyRequest { SecretId = targetName }, cancellationToken).ConfigureAwait(false)).ResourcePolicy
            : null;
        return SecretSettings.Compare(targetName, _options, described, policy);
    }

    /// <remarks>
    /// The KMS key: Secrets Manager encrypts new versions with the new key and re-encrypts the versions labelled
    /// AWSCURRENT, AWSPENDING and AWSPREVIOUS when the caller may use both keys; other versions (our superseded
    /// ones) stay under the old key, and every version stays readable with the old key too.
    /// </remarks>
    public async Task RepairSettingsAsync(TargetSettingsDrift drift, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(drift);
        if (!drift.ResourcePolicyDiffers && drift.KmsKeyId is null && drift.MissingReplicaRegions.Count == 0)
        {
            return;
        }

        // Described again, as every repair of sync does: the secret may have changed hands or settings since it was compared.
        DescribeSecretResponse secret = await EnsureOwnedAsync(drift.TargetName, "change the settings of", cancellationToken).ConfigureAwait(false);
        var failures = new List<SecretStoreException>();
        if (drift.ResourcePolicyDiffers)
        {
            await CollectFailureAsync(failures, () => PutResourcePolicyAsync(drift.TargetName, cancellationToken)).ConfigureAwait(false);
        }

        if (drift.KmsKeyId is { } key && !SecretSettings.SameKmsKey(secret.KmsKeyId, key))
        {
            await CollectFailureAsync(failures, async () =>
            {
                await _client.UpdateSecretAsync(new UpdateSecretRequest { SecretId = drift.TargetName, KmsKeyId = key }, cancellationToken).ConfigureAwait(false);
                LogKmsKeyChanged(drift.TargetName, secret.KmsKeyId ?? SecretSettings.DefaultKmsKeyAlias, key);
            }).ConfigureAwait(false);
        }

        if (drift.MissingReplicaRegions.Count > 0)
        {
            await CollectFailureAsync(failures, () => AddMissingReplicasAsync(drift.TargetName, secret, cancellationToken)).ConfigureAwait(false);
        }

        if (failures.Count > 0)
        {
            throw new SecretStoreException(
                string.Join("; ", failures.Select(failure => failure.Message)),
                failures.All(failure => failure.IsTransient),
                failures[0].ErrorCode,
                failures.Count == 1 ? failures[0] : new AggregateException(failures));
        }
    }

    /// <summary>Runs one repair; its failure is kept for the caller instead of skipping the repairs after it.</summary>
    private static async Task CollectFailureAsync(List<SecretStoreException> failures, Func<Task> repair)
    {
        try
        {
            await repair().ConfigureAwait(false);
        }
        catch (SecretStoreException failure)
        {
            failures.Add(failure);
        }
    }

    public async Task RestoreAsync(string targetName, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        DescribeSecretResponse secret = await EnsureOwnedAsync(targetName, "restore", cancellationToken).ConfigureAwait(false);
        if (secret.DeletedDate is not null)
        {
            await _client.RestoreSecretAsync(new RestoreSecretRequest { SecretId = targetName }, cancellationToken).ConfigureAwait(false);
            LogRestoredBySync(targetName);
        }
    }

    public async Task DeleteAsync(string targetName, TargetDeletion deletion, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(targetName);
        ArgumentNullException.ThrowIfNull(deletion);
        if (!deletion.Force && deletion.RecoveryWindowInDays is < 7 or > 30)
        {
            throw new ArgumentOutOfRangeException(nameof(deletion), deletion.RecoveryWindowInDays, "The recovery window is 7 to 30 days.");
        }

        // Checked here as well as by the caller's listing: the tag may have changed since, and a delete is the one write that cannot be replayed.
        await EnsureOwnedAsync(targetName, "delete", cancellationToken).ConfigureAwait(false);
        await _client.DeleteSecretAsync(
            deletion.Force
                ? new DeleteSecretRequest { SecretId = targetName, ForceDeleteWithoutRecovery = true }
                : new DeleteSecretRequest { SecretId = targetName, RecoveryWindowInDays = deletion.RecoveryWindowInDays },
            cancellationToken).ConfigureAwait(false);
        LogDeleted(targetName, deletion.Force, deletion.RecoveryWindowInDays);
    }

    private async Task<DescribeSecretResponse> EnsureOwnedAsync(string targetName, string action, CancellationToken cancellationToken)
    {
        DescribeSecretResponse secret = await _client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = targetName }, cancellationToken).ConfigureAwait(false);
        if (!IsOwned(secret.Tags))
        {
            throw new SecretStoreException(
                $"Secrets Manager secret '{targetName}' lacks the tag {ReplicationTags.ManagedBy}={ReplicationTags.ManagedByValue}; refusing to {action} it.",
                isTransient: false,
                TargetErrorCodes.ForeignSecret);
        }

        return secret;
    }

    private async Task<SecretValue?> ReadValueAsync(GetSecretValueRequest request, CancellationToken cancellationToken)
    {
        try
        {
            GetSecretValueResponse response = await _client.GetSecretValueAsync(request, cancellationToken).ConfigureAwait(false);

            // A binary value as base64, which is how Key Vault holds it: compared with the source as it is.
            return response.SecretString ?? response.SecretBinary;
        }
        catch (SecretsManagerException exception) when (
            exception.ErrorType == SecretsManagerErrorTypes.ResourceNotFound || SecretsManagerErrorTypes.IsMarkedForDeletion(exception))
        {
            return null;
        }
    }

    private static TargetSecretSummary ToSummary(SecretListEntry entry) =>
        ToSummary(entry.Name!, entry.Tags, entry.SecretVersionsToStages, entry.DeletedDate, entry.Description);

    private static TargetSecretSummary ToSummary(string name, DescribeSecretResponse secret) =>
        ToSummary(secret.Name ?? name, secret.Tags, secret.VersionIdsToStages, secret.DeletedDate, secret.Description);

    private static TargetSecretSummary ToSummary(
        string name, IReadOnlyList<Tag>? tagList, IReadOnlyDictionary<string, IReadOnlyList<string>>? versionStages, DateTimeOffset? deletedDate, string? description)
    {
        IReadOnlyList<Tag> tags = tagList ?? [];
        IReadOnlyDictionary<string, IReadOnlyList<string>> stages = versionStages ?? new Dictionary<string, IReadOnlyList<string>>();
        return new TargetSecretSummary
        {
            Name = name,
            IsOwned = IsOwned(tags),
            SourceVault = tags.FirstOrDefault(tag => tag.Key == ReplicationTags.SourceVault)?.Value,
            SourceName = tags.FirstOrDefault(tag => tag.Key == ReplicationTags.SourceName)?.Value,
            CurrentVersionId = stages.FirstOrDefault(pair => pair.Value.Contains(CurrentStage)).Key,
            PreviousVersionId = stages.FirstOrDefault(pair => pair.Value.Contains(PreviousStage)).Key,
            VersionIds = stages.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase),
            ScheduledForDeletion = deletedDate is not null,
            Description = description,
            Tags = TagDictionary(tags),
        };
    }

    /// <summary>
    /// The tags of <paramref name="set"/> that fit in AWS's 50 tags a secret next to those the secret keeps, which
    /// may include tags added on the AWS side: ours first, then source tags in key order; changing a tag's value
    /// takes no room. What does not fit is logged and left out rather than failing the whole call.
    /// </summary>
    private Tag[] WithinTagLimit(string targetName, IReadOnlyDictionary<string, string> current, Tag[] set, IReadOnlyCollection<string> remove)
    {
        int room = MaxTagsPerSecret - current.Keys.Count(key => !remove.Contains(key));
        var kept = new List<Tag>(set.Length);
        var dropped = new List<string>();
        foreach (Tag tag in set.OrderBy(tag => IsReservedTag(tag.Key) ? 0 : 1).ThenBy(tag => tag.Key, StringComparer.Ordinal))
        {
            if ((current.ContainsKey(tag.Key!) && !remove.Contains(tag.Key!)) || room-- > 0)
            {
                kept.Add(tag);
            }
            else if (IsReservedTag(tag.Key))
            {
                // Without all of our own tags the secret would not be ours, or not say which source feeds it.
                throw new SecretStoreException(
                    $"Secrets Manager secret '{targetName}' carries too many tags for KvReplicator's own within AWS's {MaxTagsPerSecret} a secret; remove some of its tags on the AWS side.",
                    isTransient: false);
            }
            else
            {
                dropped.Add(tag.Key!);
            }
        }

        if (dropped.Count > 0)
        {
            LogTagsOverLimit(targetName, string.Join(", ", dropped));
        }

        return [.. kept];
    }

    private static bool IsReservedTag(string? key) =>
        key == ReplicationTags.ManagedBy || key?.StartsWith("kvreplicator:", StringComparison.Ordinal) == true;

    private static Dictionary<string, string> TagDictionary(IReadOnlyList<Tag>? tags) =>
        (tags ?? []).Where(tag => tag.Key is not null).GroupBy(tag => tag.Key!, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.First().Value ?? string.Empty, StringComparer.Ordinal);

    private static bool HasCurrentVersion(DescribeSecretResponse secret) =>
        secret.VersionIdsToStages?.Values.Any(stages => stages.Contains(CurrentStage)) == true;

    /// <summary>
    /// Ours: the managed-by tag with the source tags we write with it. The managed-by tag without any source
    /// tag (copied by hand, or by another tool) does not say which source feeds the secret, so it is treated as
    /// foreign, never adopted silently. One source tag is enough to be judged by <see cref="EnsureSameSource"/>.
    /// </summary>
    private static bool IsOwned(IReadOnlyList<Tag>? tags) =>
        IsTagged(tags)
        && tags!.Any(tag => tag.Key is ReplicationTags.SourceVault or ReplicationTags.SourceName && !string.IsNullOrEmpty(tag.Value));

    private static bool IsTagged(IReadOnlyList<Tag>? tags) =>
        tags?.Any(tag => tag.Key == ReplicationTags.ManagedBy && tag.Value == ReplicationTags.ManagedByValue) == true;

    private ReplicatedMetadata MetadataFor(SourceSecretVersion source) =>
        ReplicatedMetadata.For(source.VaultName, source.Name, source.Tags, source.ContentType, _tagFilter, _options.Tags);

    /// <summary>Two vaults (or two secrets) mapped onto one target name would overwrite each other's versions.</summary>
    private static void EnsureSameSource(TargetSecretWrite write, DescribeSecretResponse secret)
    {
        string? vault = secret.Tags?.FirstOrDefault(tag => tag.Key == ReplicationTags.SourceVault)?.Value;
        string? name = secret.Tags?.FirstOrDefault(tag => tag.Key == ReplicationTags.SourceName)?.Value;
        if ((vault is not null && !string.Equals(vault, write.Source.VaultName, StringComparison.OrdinalIgnoreCase))
            || (name is not null && !string.Equals(name, write.Source.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new SecretStoreException(
                $"Secrets Manager secret '{write.TargetName}' is replicated from {vault}/{name}, not from {write.Source.VaultName}/{write.Source.Name}; refusing to mix their versions.",
                isTransient: false,
                TargetErrorCodes.SourceMismatch);
        }
    }

    /// <summary>
    /// The source's mapped tags and our own, so a created (or adopted) secret starts in line with its source. The
    /// tags left out are logged here, once per secret taken on, rather than on every write.
    /// </summary>
    private Tag[] TagsFor(TargetSecretWrite write, ReplicatedMetadata metadata)
    {
        if (metadata.DroppedTagKeys.Count > 0)
        {
            LogTagsLeftOut(write.Source.VaultName, write.Source.Name, string.Join(", ", metadata.DroppedTagKeys));
        }

        return
        [
            .. metadata.Tags.Select(tag => new Tag { Key = tag.Key, Value = tag.Value }),
            new Tag { Key = ReplicationTags.SourceVersion, Value = write.VersionId },
        ];
    }

    [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "Key Vault tags {TagKeys} of {VaultName}/{SecretName} are not copied to Secrets Manager (excluded by configuration, refused by AWS's tag rules, or beyond its 50 tags)")]
    private partial void LogTagsLeftOut(string vaultName, string secretName, string tagKeys);

    [LoggerMessage(EventId = 3107, Level = LogLevel.Warning, Message = "Tags {TagKeys} are not applied to Secrets Manager secret {TargetName}: with the tags it already carries they would exceed AWS's 50 tags a secret")]
    private partial void LogTagsOverLimit(string targetName, string tagKeys);

    [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Moved {Stage} of Secrets Manager secret {TargetName} to version {SecretVersion}, which already existed without it")]
    private partial void LogStageMoved(string targetName, string stage, string secretVersion);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Restored Secrets Manager secret {TargetName}, which was scheduled for deletion, to write version {SecretVersion}")]
    private partial void LogRestored(string targetName, string secretVersion);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Restored Secrets Manager secret {TargetName}, which was scheduled for deletion, because its source exists")]
    private partial void LogRestoredBySync(string targetName);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Deleted Secrets Manager secret {TargetName} (force: {Force}, recovery window: {RecoveryWindowInDays} days)")]
    private partial void LogDeleted(string targetName, bool force, int recoveryWindowInDays);

    [LoggerMessage(EventId = 3108, Level = LogLevel.Warning, Message = "Changed the KMS key of Secrets Manager secret {TargetName} from {OldKmsKeyId} to {KmsKeyId}")]
    private partial void LogKmsKeyChanged(string targetName, string oldKmsKeyId, string kmsKeyId);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Adopted Secrets Manager secret {TargetName}, which lacked the managed-by tag, to write version {SecretVersion}")]
    private partial void LogAdopted(string targetName, string secretVersion);
}
