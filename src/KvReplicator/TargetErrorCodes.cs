namespace KvReplicator;

/// <summary>
/// The <see cref="SecretStoreException.ErrorCode"/>s with which an <see cref="ISecretTarget"/> refuses a write, for
/// the callers that tell them apart (sync reports a version conflict as drift it cannot repair).
/// </summary>
internal static class TargetErrorCodes
{
    /// <summary>The refusal to write a secret without the managed-by tag.</summary>
    public const string ForeignSecret = "ForeignSecret";

    /// <summary>The refusal to write a secret that another source vault or secret feeds.</summary>
    public const string SourceMismatch = "SourceMismatch";

    /// <summary>A value whose content type makes it binary is not base64, as Key Vault holds binary values.</summary>
    public const string BinaryValueNotBase64 = "BinaryValueNotBase64";

    /// <summary>A version id already used in the target with another value.</summary>
    public const string VersionConflict = "VersionConflict";
}
