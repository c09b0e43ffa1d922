using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace KvReplicator.Credentials;

/// <summary>
/// Checks that the chosen source has what it needs, and only that: a <c>WebIdentity</c> deployment need
/// not fill in Roles Anywhere ARNs. Data annotations on nested sections are not checked by
/// <c>ValidateDataAnnotations</c>, so they are checked here for the sections the source uses.
/// </summary>
internal sealed class CredentialsOptionsValidator : IValidateOptions<CredentialsOptions>
{
    public ValidateOptionsResult Validate(string? name, CredentialsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        switch (options.Source)
        {
            case CredentialSourceKind.Default:
                break;
            case CredentialSourceKind.RolesAnywhere:
                ValidateRolesAnywhere(options.RolesAnywhere, failures);
                break;
            case CredentialSourceKind.SigningHelper:
                ValidateRolesAnywhere(options.RolesAnywhere, failures);
                ValidateSection(options.SigningHelper, failures);
                break;
            case CredentialSourceKind.WebIdentity:
                ValidateWebIdentity(options.WebIdentity, failures);
                break;
            default:
                failures.Add($"Credentials:Source '{options.Source}' is not one of Default, SigningHelper, RolesAnywhere, WebIdentity");
                break;
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateRolesAnywhere(RolesAnywhereOptions? section, List<string> failures)
    {
        if (section is null)
        {
            failures.Add("Credentials:RolesAnywhere section is required for this source");
            return;
        }

        Require(section.TrustAnchorArn, "RolesAnywhere:TrustAnchorArn", failures);
        Require(section.ProfileArn, "RolesAnywhere:ProfileArn", failures);
        Require(section.RoleArn, "RolesAnywhere:RoleArn", failures);
        Require(section.Region, "RolesAnywhere:Region", failures);

        RequireAbsolute(section.Endpoint, "RolesAnywhere:Endpoint", failures);
        RequireAbsolute(section.VaultUri, "RolesAnywhere:VaultUri", failures);
        int before = failures.Count;
        ValidateSection(section, failures);
        if (failures.Count == before)
        {
            ValidateRegions(section, failures);
        }
    }

    /// <summary>
    /// A trust anchor and a profile live in one region, and only that region's endpoint (and signing scope)
    /// issues their sessions; elsewhere AWS answers a bare 403 at run time. Said once, at start-up, in one line.
    /// </summary>
    private static void ValidateRegions(RolesAnywhereOptions section, List<string> failures)
    {
        if (section.Region is not { } region || section.TrustAnchorArn is not { } trustAnchor || section.ProfileArn is not { } profile)
        {
            return;
        }

        string anchorRegion = ArnRegion(trustAnchor);
        string profileRegion = ArnRegion(profile);
        if (anchorRegion != profileRegion)
        {
            failures.Add($"RolesAnywhere:TrustAnchorArn is in {anchorRegion} but RolesAnywhere:ProfileArn is in {profileRegion}: a session needs a trust anchor and a profile of the same region");
        }
        else if (anchorRegion != region)
        {
            failures.Add($"RolesAnywhere:Region is {region} but RolesAnywhere:TrustAnchorArn and ProfileArn are in {anchorRegion}: set RolesAnywhere:Region to {anchorRegion}");
        }
    }

    /// <summary>The fourth field of an ARN (<c>arn:partition:service:region:account:resource</c>); the patterns checked it is there.</summary>
    private static string ArnRegion(string arn) => arn.Split(':')[3];

    private static void ValidateWebIdentity(WebIdentityFederationOptions? section, List<string> failures)
    {
        if (section is null)
        {
            failures.Add("Credentials:WebIdentity section is required for this source");
            return;
        }

        Require(section.RoleArn, "WebIdentity:RoleArn", failures);
        RequireAbsolute(section.StsEndpoint, "WebIdentity:StsEndpoint", failures);
        ValidateSection(section, failures);
    }

    private static void Require(string? value, string key, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            failures.Add($"{key} is required for this credential source");
        }
    }

    private static void RequireAbsolute(Uri? value, string key, List<string> failures)
    {
        if (value is not null && !value.IsAbsoluteUri)
        {
            failures.Add($"{key} must be an absolute URI");
        }
    }

    private static void ValidateSection(object section, List<string> failures)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(section, new ValidationContext(section), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(result => result.ErrorMessage ?? "invalid value"));
        }
    }
}
