using System.ComponentModel.DataAnnotations;

namespace KvReplicator.Replication;

/// <summary>What to replicate and under which names. Bound from <c>KvReplicator:Replication</c>.</summary>
internal sealed class ReplicationOptions : IValidatableObject
{
    public const string SectionName = "KvReplicator:Replication";

    /// <summary>
    /// Prepended to every Key Vault name to form the Secrets Manager name, e.g. <c>kv/prod/</c>. Empty by
    /// default. Only the characters Secrets Manager allows in names.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9/_+=.@-]*$", ErrorMessage = "TargetPrefix may only contain letters, digits and / _ + = . @ -")]
    [StringLength(384)]
    public string TargetPrefix { get; set; } = string.Empty;

    /// <summary>
    /// How a Key Vault name becomes a Secrets Manager name: <c>{prefix}</c> (<see cref="TargetPrefix"/>),
    /// <c>{vault}</c> (the vault's name, lower case) and <c>{name}</c> (the secret's name), e.g.
    /// <c>{prefix}{vault}/{name}</c>. Default <c>{prefix}{name}</c>. Checked at start against Secrets Manager's
    /// name rules (<see cref="SecretNameMapper.TemplateError"/>).
    /// </summary>
    public string TargetNameTemplate { get; set; } = SecretNameMapper.DefaultTemplate;

    /// <summary>
    /// Secrets never replicated, compared case-insensitively as Key Vault does. By default the secrets that
    /// hold the replicator's own Roles Anywhere certificate, key and chain: copying them to AWS would hand
    /// out the key that grants access to AWS.
    /// </summary>
    public IList<string> ExcludedSecretNames { get; set; } = new List<string>(DefaultExcludedSecretNames);

    public static IReadOnlyList<string> DefaultExcludedSecretNames { get; } =
        ["kvrep-roles-anywhere-certificate", "kvrep-roles-anywhere-private-key", "kvrep-roles-anywhere-chain"];

    /// <summary>
    /// Name globs (<c>*</c>, <c>?</c>, case-insensitive) a secret must match one of to be replicated; empty
    /// (the default) replicates every name. Applied identically by events and by sync.
    /// </summary>
    public IList<string> IncludeNamePatterns { get; set; } = [];

    /// <summary>Name globs never replicated; an exclude wins over an include.</summary>
    public IList<string> ExcludeNamePatterns { get; set; } = [];

    /// <summary>
    /// An opt-in tag, e.g. <c>replicate-to-aws</c>: when set, only secrets whose version carries it are
    /// replicated. Empty (the default) replicates without looking at tags.
    /// </summary>
    [StringLength(512)]
    public string? RequiredTagName { get; set; }

    /// <summary>The value the opt-in tag must have (case-insensitive), e.g. <c>true</c>; empty accepts any value.</summary>
    [StringLength(256)]
    public string? RequiredTagValue { get; set; }

    /// <summary>How many events of one delivery batch are handled at once. Default 4.</summary>
    [Range(1, 64)]
    public int MaxParallelEventsPerDelivery { get; set; } = 4;

    /// <summary>
    /// How long a handler's lock on a secret lasts unless renewed. A handler renews it before a write that
    /// would start with less than a third of it left, and a crashed handler's lock is taken over once it
    /// expires, so this is also how long a crash delays the secret. Default 30 s; 5 to 45 s, so that Event
    /// Grid's retry a minute after a crash always finds the lock expired.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:00:45", ErrorMessage = "LockDuration must be between 00:00:05 and 00:00:45.")]
    public TimeSpan LockDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a delivery waits for another handler that holds its secret (a duplicate in flight, or another
    /// version being written) before answering "retry later". Event Grid waits 30 s for an answer. Default
    /// 10 s; 0 to 25 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:25", ErrorMessage = "InFlightWait must be between 00:00:00 and 00:00:25.")]
    public TimeSpan InFlightWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The name template's rules, which data annotations cannot express.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (SecretNameMapper.TemplateError(TargetNameTemplate, TargetPrefix) is { } error)
        {
            yield return new ValidationResult($"KvReplicator:Replication:TargetNameTemplate: {error}", [nameof(TargetNameTemplate)]);
        }
    }

    /// <summary>The name mapping of <paramref name="vaultName"/>'s secrets by these options.</summary>
    public SecretNameMapper NameMapperFor(string vaultName) => new(TargetNameTemplate, TargetPrefix, vaultName);
}
