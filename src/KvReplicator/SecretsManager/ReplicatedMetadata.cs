using System.Text.RegularExpressions;

namespace KvReplicator.SecretsManager;

/// <summary>
/// The metadata a target secret carries about its source: the source's tags (those AWS accepts), our own
/// ownership and provenance tags, and a description naming the source and its content type. The event
/// path applies it when it creates a target and <c>kvrep sync</c> re-applies it when it drifts, so both
/// build it here.
/// </summary>
/// <remarks>
/// Tags AWS would refuse are left out rather than failing the replication: keys over 128 or values over 256
/// characters, characters outside AWS's tag alphabet, the reserved <c>aws:</c> prefix, and keys that would
/// overwrite our own tags (a Key Vault tag <c>managed-by</c> must not decide ownership). So are tags the
/// target's filter leaves out, and those beyond AWS's 50 tags a secret (after ours, in key order). The
/// source-version tag is not part of it: it records the version a target was created from and is never re-applied.
/// </remarks>
/// <param name="DroppedTagKeys">Source tag keys left out, for a warning (keys only: a tag's value is not ours to log).</param>
internal sealed partial record ReplicatedMetadata(string Description, IReadOnlyDictionary<string, string> Tags, IReadOnlyList<string> DroppedTagKeys)
{
    private const int MaxTagKeyLength = 128;
    private const int MaxTagValueLength = 256;

    /// <summary>AWS allows 50 tags a secret; our own five come first.</summary>
    public const int MaxSourceTags = 50 - 5;

    /// <summary>
    /// Lists the source tag keys this metadata applied, so a tag removed in Key Vault can be removed in AWS
    /// without touching tags someone added on the AWS side. Key Vault tag names cannot contain <c>/</c>,
    /// which AWS tag values allow, so it separates them.
    /// </summary>
    public const string SourceTagKeysTag = "kvreplicator:source-tags";

    /// <param name="filter">Which source tags the target takes; null takes every tag AWS accepts.</param>
    /// <param name="targetTags">The target's own tags (<see cref="SecretsManagerOptions.Tags"/>), checked at start by <see cref="TargetTagError"/>.</param>
    public static ReplicatedMetadata For(
        string vaultName, string secretName, IReadOnlyDictionary<string, string>? sourceTags, string? contentType, SourceTagFilter? filter = null,
        IEnumerable<KeyValuePair<string, string>>? targetTags = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(vaultName);
        ArgumentException.ThrowIfNullOrEmpty(secretName);

        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [ReplicationTags.ManagedBy] = ReplicationTags.ManagedByValue,
            [ReplicationTags.SourceVault] = vaultName,
            [ReplicationTags.SourceName] = secretName,
        };

        int applied = 0;
        foreach ((string key, string value) in targetTags ?? [])
        {
            tags[key] = value;
            applied++;
        }

        var recordedKeys = new List<string>();
        var dropped = new List<string>();
        foreach ((string key, string value) in (sourceTags ?? new Dictionary<string, string>()).OrderBy(tag => tag.Key, StringComparer.Ordinal))
        {
            if (!IsAcceptedSourceTag(key, value) || filter?.Accepts(key) == false || applied == MaxSourceTags || tags.ContainsKey(key))
            {
                dropped.Add(key);
            }
            else
            {
                tags[key] = value;
                applied++;

                // A key that does not fit in the record is applied but never removed later: the safe direction.
                if (recordedKeys.Sum(recorded => recorded.Length + 1) + key.Length <= MaxTagValueLength && !key.Contains('/', StringComparison.Ordinal))
                {
                    recordedKeys.Add(key);
                }
            }
        }

        tags[SourceTagKeysTag] = string.Join('/', recordedKeys);

        string description = $"Replicated by KvReplicator from Azure Key Vault {vaultName}/{secretName}.";
        if (!string.IsNullOrWhiteSpace(contentType))
        {
            description += $" Content type: {contentType}.";
        }

        return new ReplicatedMetadata(description, tags, dropped);
    }

    /// <summary>
    /// The changes that bring a target's metadata in line with this one: tags added or changed, source tags
    /// recorded earlier but gone from the source removed, the description replaced. Tags we did not apply
    /// (added on the AWS side) are left alone. Empty when nothing differs.
    /// </summary>
    public TargetMetadataUpdate UpdateFrom(string targetName, IReadOnlyDictionary<string, string> currentTags, string? currentDescription)
    {
        ArgumentNullException.ThrowIfNull(currentTags);
        var set = Tags.Where(tag => !currentTags.TryGetValue(tag.Key, out string? value) || value != tag.Value)
            .ToDictionary(tag => tag.Key, tag => tag.Value, StringComparer.Ordinal);
        string[] previouslyApplied = currentTags.TryGetValue(SourceTagKeysTag, out string? recorded)
            ? recorded.Split('/', StringSplitOptions.RemoveEmptyEntries)
            : [];
        string[] remove = [.. previouslyApplied.Where(key => !Tags.ContainsKey(key) && currentTags.ContainsKey(key)).Order(StringComparer.Ordinal)];
        return new TargetMetadataUpdate
        {
            TargetName = targetName,
            SetTags = set,
            RemoveTagKeys = remove,
            Description = string.Equals(currentDescription, Description, StringComparison.Ordinal) ? null : Description,
        };
    }

    /// <summary>Why a target's own tags cannot be applied, or null: AWS's tag rules, our reserved keys, room for ours.</summary>
    public static string? TargetTagError(IDictionary<string, string> targetTags)
    {
        ArgumentNullException.ThrowIfNull(targetTags);
        if (targetTags.Count > MaxSourceTags)
        {
            return $"at most {MaxSourceTags} tags (AWS allows 50 a secret, and the replicator's own take 5), not {targetTags.Count}";
        }

        return targetTags.FirstOrDefault(tag => !IsAcceptedSourceTag(tag.Key, tag.Value ?? string.Empty)) is { Key: { } key }
            ? $"tag '{key}' is reserved (aws:*, managed-by, kvreplicator:*) or breaks AWS's tag rules (key up to 128, value up to 256 characters of letters, digits, spaces and _ . : / = + - @)"
            : null;
    }

    private static bool IsAcceptedSourceTag(string key, string value) =>
        key.Length is > 0 and <= MaxTagKeyLength
        && value.Length <= MaxTagValueLength
        && !key.StartsWith("aws:", StringComparison.OrdinalIgnoreCase)
        && key != ReplicationTags.ManagedBy
        && !key.StartsWith("kvreplicator:", StringComparison.OrdinalIgnoreCase)
        && TagPattern().IsMatch(key)
        && TagPattern().IsMatch(value);

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$")]
    private static partial Regex TagPattern();
}
