using System.ComponentModel.DataAnnotations;

namespace KvReplicator.Credentials;

/// <summary>
/// Entra ID workload identity federation (<c>KvReplicator:Credentials:WebIdentity</c>): the managed
/// identity's token is exchanged with STS <c>AssumeRoleWithWebIdentity</c> for a role that trusts the
/// tenant's issuer as an OIDC provider.
/// </summary>
internal sealed class WebIdentityFederationOptions
{
    /// <summary>
    /// The named <see cref="HttpClient"/> the STS exchange goes through; a host adds handlers to it
    /// (<c>services.AddHttpClient(StsHttpClientName)</c>) to route, observe or, locally, fault the exchange.
    /// </summary>
    public const string StsHttpClientName = "KvReplicator.Sts";

    [RegularExpression(RolesAnywhereOptions.RoleArnPattern, ErrorMessage = "WebIdentity:RoleArn must look like arn:aws:iam::<account>:role/<name>")]
    public string? RoleArn { get; set; }

    /// <summary>Appears in CloudTrail as the session name. Default <c>kvreplicator</c>.</summary>
    [RegularExpression(@"^[\w+=,.@-]{2,64}$", ErrorMessage = "WebIdentity:RoleSessionName must be 2 to 64 characters of letters, digits and + = , . @ _ -")]
    public string RoleSessionName { get; set; } = "kvreplicator";

    /// <summary>900 to 43200 seconds, within the role's maximum session duration. Default 3600.</summary>
    [Range(900, 43200, ErrorMessage = "WebIdentity:DurationSeconds must be between 900 and 43200")]
    public int DurationSeconds { get; set; } = 3600;

    /// <summary>
    /// The scope asked of Entra ID; its audience is what the AWS OIDC provider's client ID list must hold.
    /// Default <c>api://AzureADTokenExchange/.default</c>.
    /// </summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "WebIdentity:Scope is required")]
    public string Scope { get; set; } = "api://AzureADTokenExchange/.default";

    /// <summary>Client ID of a user-assigned managed identity; empty uses the default Azure credential chain.</summary>
    public string? ManagedIdentityClientId { get; set; }

    /// <summary>STS region, for the regional endpoint. Default <c>us-east-1</c>.</summary>
    [RegularExpression(RolesAnywhereOptions.RegionPattern, ErrorMessage = "WebIdentity:Region must be an AWS region name such as eu-west-1")]
    public string Region { get; set; } = "us-east-1";

    /// <summary>Overrides the STS endpoint (moto in tests, VPC endpoints).</summary>
    public Uri? StsEndpoint { get; set; }
}
