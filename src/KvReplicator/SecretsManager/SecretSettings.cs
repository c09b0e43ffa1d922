using System.Text.Json;
using System.Text.Json.Nodes;
using KvReplicator.SecretsManager.Model;

namespace KvReplicator.SecretsManager;

/// <summary>
/// Compares an existing secret's resource policy, KMS key and replica regions with a target's configuration, the
/// way Secrets Manager means them rather than as text. Pure: <see cref="SecretsManagerTarget"/> reads, this decides
/// what differs. A setting left unconfigured is not compared: it says nothing about what the secret should have.
/// </summary>
internal static class SecretSettings
{
    /// <summary>The AWS managed key, which DescribeSecret leaves out of its answer.</summary>
    public const string DefaultKmsKeyAlias = "alias/aws/secretsmanager";

    public static bool ComparesPolicy(SecretsManagerOptions options) => !string.IsNullOrWhiteSpace(options.ResourcePolicy);

    public static bool ComparesKmsKey(SecretsManagerOptions options) => !string.IsNullOrWhiteSpace(options.KmsKeyId);

    /// <summary>DescribeSecret is needed: for the KMS key or the replica regions.</summary>
    public static bool NeedsDescription(SecretsManagerOptions options) => ComparesKmsKey(options) || options.ReplicaRegions.Count > 0;

    /// <param name="described">DescribeSecret's answer; null when <see cref="NeedsDescription"/> is false.</param>
    /// <param name="policy">GetResourcePolicy's document; null when the secret has none or it was not read.</param>
    public static TargetSettingsDrift Compare(string targetName, SecretsManagerOptions options, DescribeSecretResponse? described, string? policy)
    {
        ArgumentNullException.ThrowIfNull(options);
        bool policyDiffers = ComparesPolicy(options) && !PoliciesEquivalent(policy, options.ResourcePolicy!);
        string? key = ComparesKmsKey(options) && described is not null && !SameKmsKey(described.KmsKeyId, options.KmsKeyId) ? options.KmsKeyId!.Trim() : null;
        var findings = new List<string>();
        foreach (string region in described is null ? [] : options.ReplicaRegions)
        {
            ReplicationStatusType? replica = described!.ReplicationStatus?.FirstOrDefault(status => string.Equals(status.Region, region, StringComparison.Ordinal));
            if (replica is null)
            {
                continue;
            }

            if (string.Equals(replica.Status, "Failed", StringComparison.OrdinalIgnoreCase))
            {
                // ReplicateSecretToRegions refuses a region the secret already lists, failed or not.
                findings.Add($"the replica in {region} failed ({replica.StatusMessage ?? "no message"}); fix the cause, remove the region from the secret's replication, and the next sync adds it again");
            }
            else if (options.ReplicaKmsKeyIds.TryGetValue(region, out string? wanted) && !SameKmsKey(replica.KmsKeyId, wanted))
            {
                // No call changes a replica's key in place: only removing the replica (its secret in that region
                // with it) and adding it again does, which is a person's decision, not sync's.
                findings.Add($"the replica in {region} is encrypted with {replica.KmsKeyId ?? DefaultKmsKeyAlias}, not {wanted} (ReplicaKmsKeyIds); a replica's key cannot be changed in place: remove the region from the secret's replication and the next sync adds it with that key");
            }
        }

        return new TargetSettingsDrift
        {
            TargetName = targetName,
            ResourcePolicyDiffers = policyDiffers,
            KmsKeyId = key,
            CurrentKmsKeyId = key is null ? null : described!.KmsKeyId ?? DefaultKmsKeyAlias,
            MissingReplicaRegions = described is null ? [] : MissingReplicaRegions(options, described),
            ReplicaFindings = findings,
        };
    }

    /// <summary>The configured replica regions the secret is not replicated to, failed or not.</summary>
    public static IReadOnlyList<string> MissingReplicaRegions(SecretsManagerOptions options, DescribeSecretResponse described) =>
        [.. options.ReplicaRegions.Where(region => described.ReplicationStatus?.Any(replica => string.Equals(replica.Region, region, StringComparison.Ordinal)) != true)];

    /// <summary>
    /// Two policy documents that grant the same: property order, white space, a single value or a one-element
    /// array, and the order of array elements (IAM treats every list in a policy as a set) make no difference.
    /// </summary>
    public static bool PoliciesEquivalent(string? actual, string configured)
    {
        if (string.IsNullOrWhiteSpace(actual))
        {
            return false;
        }

        try
        {
            return Canonical(JsonNode.Parse(actual))?.ToJsonString() == Canonical(JsonNode.Parse(configured))?.ToJsonString();
        }
        catch (JsonException)
        {
            // Not a document: it cannot be the configured one, which the options validator has parsed.
            return false;
        }
    }

    /// <summary>
    /// The same KMS key as far as the names tell without asking KMS: equal ids, a key id and its key ARN, an alias
    /// and its alias ARN, and no key at all for aws/secretsmanager. An alias and the key it points to are not
    /// recognised as one (that needs kms:DescribeKey); configure the form DescribeSecret reports.
    /// </summary>
    public static bool SameKmsKey(string? actual, string? configured) =>
        string.Equals(ShortForm(actual), ShortForm(configured), StringComparison.Ordinal);

    private static string ShortForm(string? keyId)
    {
        if (string.IsNullOrWhiteSpace(keyId))
        {
            return DefaultKmsKeyAlias;
        }

        string key = keyId.Trim();

        // arn:aws:kms:<region>:<account>:key/<id> or :alias/<name>: the resource part names the key in its region.
        if (key.StartsWith("arn:", StringComparison.Ordinal) && key.Split(':', 6) is { Length: 6 } parts && parts[2] == "kms")
        {
            key = parts[5];
        }

        return key.StartsWith("key/", StringComparison.Ordinal) ? key["key/".Length..] : key;
    }

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject item => new JsonObject(item.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => KeyValuePair.Create(pair.Key, Canonical(pair.Value)))),
        JsonArray { Count: 1 } list => Canonical(list[0]),
        JsonArray list => new JsonArray([.. list.Select(Canonical).OrderBy(element => element?.ToJsonString(), StringComparer.Ordinal)]),
        _ => node?.DeepClone(),
    };
}
