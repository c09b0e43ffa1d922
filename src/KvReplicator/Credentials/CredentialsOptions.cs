using System.ComponentModel.DataAnnotations;

namespace KvReplicator.Credentials;

/// <summary>
/// How the replicator gets short-lived AWS credentials. Bound from <c>KvReplicator:Credentials</c>; only
/// the section of the chosen <see cref="Source"/> needs to be filled in (checked by
/// <see cref="CredentialsOptionsValidator"/>).
/// </summary>
internal sealed class CredentialsOptions
{
    public const string SectionName = ICredentialSource.SettingsSection;

    /// <summary>Which source to use. Default <see cref="CredentialSourceKind.Default"/>.</summary>
    [EnumDataType(typeof(CredentialSourceKind), ErrorMessage = "Source must be one of Default, SigningHelper, RolesAnywhere, WebIdentity")]
    public CredentialSourceKind Source { get; set; } = CredentialSourceKind.Default;

    /// <summary>
    /// How long before expiry credentials are refreshed. Default 5 minutes; capped at half the lifetime of
    /// the credentials so that short sessions are not refreshed on every call.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "RefreshMargin must be between 00:00:00 and 01:00:00")]
    public TimeSpan RefreshMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The Roles Anywhere identity, used by both <c>RolesAnywhere</c> and <c>SigningHelper</c>.</summary>
    public RolesAnywhereOptions RolesAnywhere { get; set; } = new();

    /// <summary>How to run <c>aws_signing_helper</c>, for <c>SigningHelper</c>.</summary>
    public SigningHelperOptions SigningHelper { get; set; } = new();

    /// <summary>The Entra ID to STS exchange, for <c>WebIdentity</c>.</summary>
    public WebIdentityFederationOptions WebIdentity { get; set; } = new();
}
