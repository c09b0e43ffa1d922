using KvReplicator.Replication;
using KvReplicator.SecretsManager.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvReplicator.SecretsManager;

/// <summary>
/// Writes Key Vault versions as Secrets Manager versions. The Key Vault version id is the
/// ClientRequestToken, so a replayed write of the same value is a no-op in Secrets Manager and the
/// same version never lands twice. Secrets it did not create are refused unless adoption is enabled.
/// </summary>
public sealed partial class SecretsManagerTarget : ISecretTarget
{
    /// <summary>Error code of the refusal to write a secret without the managed-by tag.</summary>
    public const string ForeignSecretErrorCode = "ForeignSecret";

    /// <summary>Error code of the refusal to write a secret that another source vault or secret feeds.</summary>
    public const string SourceMismatchErrorCode = "SourceMismatch";

    /// <summary>Error code of a version id already used in the target with another value.</summary>
    public const string VersionConflictErrorCode = "VersionConflict";

    private const string CurrentStage = "AWSCURRENT";

    private readonly SecretsManagerClient _client;
    private readonly SecretsManagerOptions _options;
    private readonly OwnershipCache _ownership;
    private readonly ILogger _logger;

    public SecretsManagerTarget(SecretsManagerClient client, SecretsManagerOptions options, TimeProvider? timeProvider = null, ILogger<SecretsManagerTarget>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(options);
        _client = client;
        _options = options;
        _ownership = new OwnershipCache(options.OwnershipCacheDuration, timeProvider ?? TimeProvider.System);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    public async Task<TargetWriteResult> WriteAsync(TargetSecretWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (_ownership.IsKnownOwned(write.TargetName))
        {
            try
            {
                await PutVersionAsync(write, cancellationToken).ConfigureAwait(false);
                return new TargetWriteResult(CreatedSecret: false, RestoredSecret: false);
            }
            catch (SecretsManagerException exception) when (
                exception.ErrorType == SecretsManagerErrorTypes.ResourceNotFound || SecretsManagerErrorTypes.IsMarkedForDeletion(exception))
            {
                // Deleted or scheduled for deletion since we looked: look again, once.
                _ownership.Forget(write.TargetName);
            }
        }

        return await WriteAfterDescribingAsync(write, cancellationToken).ConfigureAwait(false);
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
        if (!write.MakeCurrent && (existing is null || !HasCurrentVersion(existing)))
        {
            // AWS makes a secret's first version AWSCURRENT whatever VersionStages says: an overtaken
            // version written first would be current until the newer one lands. The caller writes the
            // newer one first instead.
            return TargetWriteResult.CurrentVersionNeededFirst;
        }

        if (existing is null)
        {
            try
            {
                await CreateAsync(write, cancellationToken).ConfigureAwait(false);
                _ownership.Remember(write.TargetName);
                return new TargetWriteResult(CreatedSecret: true, RestoredSecret: false);
            }
            catch (SecretsManagerException exception) when (exception is { ErrorType: SecretsManagerErrorTypes.ResourceExists, Operation: "CreateSecret" })
            {
                // Another delivery created it between our DescribeSecret and CreateSecret.
                existing = await TryDescribeAsync(write.TargetName, cancellationToken).ConfigureAwait(false)
                    ?? throw new SecretStoreException(
                        $"Secrets Manager target '{write.TargetName}' was reported as existing, then as missing; retry.", isTransient: true, SecretsManagerErrorTypes.ResourceNotFound);
            }
        }

        bool owned = IsOwned(existing);
        if (!owned && !_options.AdoptForeignSecrets)
        {
            throw new SecretStoreException(
                $"Secrets Manager secret '{write.TargetName}' exists without the tag {ReplicationTags.ManagedBy}={ReplicationTags.ManagedByValue}; refusing to overwrite it (set KvReplicator:SecretsManager:AdoptForeignSecrets to take it over).",
                isTransient: false,
                ForeignSecretErrorCode);
        }

        if (owned)
        {
            EnsureSameSource(write, existing);
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
            await _client.TagResourceAsync(new TagResourceRequest { SecretId = write.TargetName, Tags = TagsFor(write) }, cancellationToken).ConfigureAwait(false);
            LogAdopted(write.TargetName, write.VersionId);
        }

        await PutVersionAsync(write, cancellationToken).ConfigureAwait(false);
        _ownership.Remember(write.TargetName);
        return new TargetWriteResult(CreatedSecret: false, RestoredSecret: restored);
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
        var request = new CreateSecretRequest
        {
            Name = write.TargetName,
            ClientRequestToken = write.VersionId,
            SecretString = write.Value,
            Description = $"Replicated by KvReplicator from Azure Key Vault {write.Source.VaultName}/{write.Source.Name}.",
            KmsKeyId = string.IsNullOrWhiteSpace(_options.KmsKeyId) ? null : _options.KmsKeyId,
            Tags = TagsFor(write),
            AddReplicaRegions = _options.ReplicaRegions.Count == 0
                ? null
                : [.. _options.ReplicaRegions.Select(region => new ReplicaRegionType { Region = region })],
        };
        await _client.CreateSecretAsync(request, cancellationToken).ConfigureAwait(false);
    }

    private async Task PutVersionAsync(TargetSecretWrite write, CancellationToken cancellationToken)
    {
        try
        {
            await _client.PutSecretValueAsync(
                new PutSecretValueRequest
                {
                    SecretId = write.TargetName,
                    ClientRequestToken = write.VersionId,
                    SecretString = write.Value,
                    VersionStages = write.MakeCurrent ? null : [_options.SupersededVersionStage],
                },
                cancellationToken).ConfigureAwait(false);
        }
        catch (SecretsManagerException exception) when (exception.ErrorType == SecretsManagerErrorTypes.ResourceExists)
        {
            // Same token and same value is a silent no-op, so this means the version id already holds another value.
            throw new SecretStoreException(
                $"Secrets Manager secret '{write.TargetName}' already has version {write.VersionId} with a different value; refusing to overwrite it.",
                isTransient: false,
                VersionConflictErrorCode,
                exception);
        }
    }

    private static bool HasCurrentVersion(DescribeSecretResponse secret) =>
        secret.VersionIdsToStages?.Values.Any(stages => stages.Contains(CurrentStage)) == true;

    private static bool IsOwned(DescribeSecretResponse secret) =>
        secret.Tags?.Any(tag => tag.Key == ReplicationTags.ManagedBy && tag.Value == ReplicationTags.ManagedByValue) == true;

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
                SourceMismatchErrorCode);
        }
    }

    private static Tag[] TagsFor(TargetSecretWrite write) =>
    [
        new Tag { Key = ReplicationTags.ManagedBy, Value = ReplicationTags.ManagedByValue },
        new Tag { Key = ReplicationTags.SourceVault, Value = write.Source.VaultName },
        new Tag { Key = ReplicationTags.SourceName, Value = write.Source.Name },
        new Tag { Key = ReplicationTags.SourceVersion, Value = write.VersionId },
    ];

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Restored Secrets Manager secret {TargetName}, which was scheduled for deletion, to write version {SecretVersion}")]
    private partial void LogRestored(string targetName, string secretVersion);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Adopted Secrets Manager secret {TargetName}, which lacked the managed-by tag, to write version {SecretVersion}")]
    private partial void LogAdopted(string targetName, string secretVersion);
}
