using System.ComponentModel.DataAnnotations;

namespace KvReplicator.Credentials;

/// <summary>
/// The IAM Roles Anywhere identity (<c>KvReplicator:Credentials:RolesAnywhere</c>): which trust anchor,
/// profile and role, and the Key Vault secrets that hold the certificate and its key. Shared by the
/// native signer and the signing-helper process, which differ only in who signs.
/// </summary>
internal sealed class RolesAnywhereOptions
{
    internal const string TrustAnchorArnPattern = @"^arn:aws[a-z-]*:rolesanywhere:[a-z0-9-]+:\d{12}:trust-anchor/[A-Za-z0-9-]+$";
    internal const string ProfileArnPattern = @"^arn:aws[a-z-]*:rolesanywhere:[a-z0-9-]+:\d{12}:profile/[A-Za-z0-9-]+$";
    internal const string RoleArnPattern = @"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$";
    internal const string RegionPattern = "^[a-z]{2}(-[a-z]+)+-[0-9]+$";

    [RegularExpression(TrustAnchorArnPattern, ErrorMessage = "RolesAnywhere:TrustAnchorArn must look like arn:aws:rolesanywhere:<region>:<account>:trust-anchor/<id>")]
    public string? TrustAnchorArn { get; set; }

    [RegularExpression(ProfileArnPattern, ErrorMessage = "RolesAnywhere:ProfileArn must look like arn:aws:rolesanywhere:<region>:<account>:profile/<id>")]
    public string? ProfileArn { get; set; }

    [RegularExpression(RoleArnPattern, ErrorMessage = "RolesAnywhere:RoleArn must look like arn:aws:iam::<account>:role/<name>")]
    public string? RoleArn { get; set; }

    /// <summary>The Roles Anywhere region, e.g. <c>eu-west-1</c>, where the trust anchor and profile live; also the signing scope's region.</summary>
    [RegularExpression(RegionPattern, ErrorMessage = "RolesAnywhere:Region must be an AWS region name such as eu-west-1")]
    public string? Region { get; set; }

    /// <summary>Session length asked of Roles Anywhere, 900 to 43200 seconds. Default 3600.</summary>
    [Range(900, 43200, ErrorMessage = "RolesAnywhere:DurationSeconds must be between 900 and 43200")]
    public int DurationSeconds { get; set; } = 3600;

    /// <summary>
    /// Overrides <c>https://rolesanywhere.&lt;region&gt;.amazonaws.com</c> (tests, private endpoints).
    /// </summary>
    public Uri? Endpoint { get; set; }

    /// <summary>
    /// The vault holding the certificate secrets. When empty the <c>SecretClient</c> registered for the
    /// replicated vault is used.
    /// </summary>
    public Uri? VaultUri { get; set; }

    /// <summary>Secret holding the PEM leaf certificate. Excluded from replication by default.</summary>
    [RegularExpression(KeyVaultNames.SecretNamePattern, ErrorMessage = "RolesAnywhere:CertificateSecretName must be a Key Vault secret name")]
    public string CertificateSecretName { get; set; } = "kvrep-roles-anywhere-certificate";

    /// <summary>Secret holding the PEM private key (PKCS#8, PKCS#1 or SEC1, unencrypted).</summary>
    [RegularExpression(KeyVaultNames.SecretNamePattern, ErrorMessage = "RolesAnywhere:PrivateKeySecretName must be a Key Vault secret name")]
    public string PrivateKeySecretName { get; set; } = "kvrep-roles-anywhere-private-key";

    /// <summary>Secret holding the PEM intermediates, leaf's issuer first. Optional: a missing secret means no chain.</summary>
    [RegularExpression(KeyVaultNames.SecretNamePattern, ErrorMessage = "RolesAnywhere:ChainSecretName must be a Key Vault secret name")]
    public string ChainSecretName { get; set; } = "kvrep-roles-anywhere-chain";

    internal Uri ResolveEndpoint() => Endpoint ?? new Uri($"https://rolesanywhere.{Region}.amazonaws.com");
}
