using System.ComponentModel.DataAnnotations;

namespace KvReplicator.SecretsManager;

/// <summary>Where and how to reach Secrets Manager (configuration section <c>KvReplicator:SecretsManager</c>).</summary>
internal sealed class SecretsManagerOptions
{
    public const string SectionName = "KvReplicator:SecretsManager";

    /// <summary>The AWS region, e.g. <c>eu-west-1</c>; it names the endpoint and the SigV4 scope.</summary>
    [Required(ErrorMessage = "KvReplicator:SecretsManager:Region is required (e.g. eu-west-1).")]
    [RegularExpression(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$", ErrorMessage = "KvReplicator:SecretsManager:Region must be an AWS region name such as eu-west-1.")]
    public string Region { get; set; } = "";

    /// <summary>Overrides the regional endpoint, for emulators (moto, LocalStack) or VPC endpoints.</summary>
    public Uri? ServiceUrl { get; set; }

    /// <summary>Retries of one call after a transient error; 0 disables them. Default 4.</summary>
    [Range(0, 10, ErrorMessage = "KvReplicator:SecretsManager:MaxRetries must be between 0 and 10.")]
    public int MaxRetries { get; set; } = 4;

    /// <summary>First retry delay; later ones grow exponentially with jitter. Default 200 ms.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30", ErrorMessage = "KvReplicator:SecretsManager:BaseDelay must be between 0 and 30 seconds.")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Take over existing secrets that lack the <c>managed-by=kvreplicator</c> tag instead of refusing them: the
    /// older spelling of <see cref="TakeoverPolicy"/> <c>Adopt</c>, still honoured.
    /// </summary>
    public bool AdoptForeignSecrets { get; set; }

    /// <summary>
    /// What to do with a secret that exists under a target name but is not ours (no <c>managed-by</c> tag, or
    /// that tag without the source tags we always write): <c>Refuse</c> (the default), <c>Adopt</c>, or
    /// <c>AdoptIfEqual</c> (only when its current value equals the version being written).
    /// </summary>
    public TakeoverPolicy TakeoverPolicy { get; set; }

    /// <summary>The policy in force: <see cref="TakeoverPolicy"/>, or <c>Adopt</c> when only <see cref="AdoptForeignSecrets"/> is set.</summary>
    public TakeoverPolicy EffectiveTakeoverPolicy =>
        TakeoverPolicy == TakeoverPolicy.Refuse && AdoptForeignSecrets ? TakeoverPolicy.Adopt : TakeoverPolicy;

    /// <summary>
    /// Tags every secret of this target carries (e.g. <c>cost-center</c>), whatever its source: they win over a
    /// Key Vault tag of the same key and take room from the source tags under AWS's 50. Our own keys
    /// (<c>managed-by</c>, <c>kvreplicator:*</c>) and <c>aws:*</c> are refused at start; sync re-applies them.
    /// </summary>
    public IDictionary<string, string> Tags { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Key Vault tag keys (globs, case-insensitive) copied to AWS; empty (the default) copies every tag AWS accepts.</summary>
    public IList<string> IncludeTagPatterns { get; set; } = [];

    /// <summary>Key Vault tag keys (globs) never copied; a deny wins over an allow.</summary>
    public IList<string> ExcludeTagPatterns { get; set; } = [];

    /// <summary>
    /// Key Vault content types (media types, compared without parameters and case-insensitively) whose values
    /// are binary, held base64-encoded in Key Vault: they are written as SecretBinary. Always
    /// <c>application/octet-stream</c>; configured types are added to it (configuration binding appends to a list).
    /// </summary>
    public IList<string> BinaryContentTypes { get; set; } = [DefaultBinaryContentType];

    public const string DefaultBinaryContentType = "application/octet-stream";

    /// <summary>
    /// A resource policy (a JSON document) put on every secret this service creates or adopts; null puts none.
    /// </summary>
    public string? ResourcePolicy { get; set; }

    /// <summary>Have Secrets Manager refuse a <see cref="ResourcePolicy"/> that grants broad access. Default true.</summary>
    public bool BlockPublicPolicy { get; set; } = true;

    /// <summary>The staging label of versions written while a newer source version exists.</summary>
    [Required(ErrorMessage = "KvReplicator:SecretsManager:SupersededVersionStage is required.")]
    [RegularExpression(@"^[A-Za-z0-9_+=.@-]{1,256}$", ErrorMessage = "KvReplicator:SecretsManager:SupersededVersionStage must be 1-256 letters, digits or _+=.@-.")]
    public string SupersededVersionStage { get; set; } = "kvrep-superseded";

    /// <summary>The KMS key for secrets this service creates; null uses aws/secretsmanager.</summary>
    public string? KmsKeyId { get; set; }

    /// <summary>Regions that secrets this service creates are replicated to by Secrets Manager.</summary>
    public IList<string> ReplicaRegions { get; set; } = [];

    /// <summary>
    /// The KMS key of a replica region (region name → key id, ARN or alias) for the regions in
    /// <see cref="ReplicaRegions"/>; a region not listed uses its aws/secretsmanager key.
    /// </summary>
    public IDictionary<string, string> ReplicaKmsKeyIds { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
