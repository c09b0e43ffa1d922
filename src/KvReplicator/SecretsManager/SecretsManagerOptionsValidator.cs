using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace KvReplicator.SecretsManager;

/// <summary>The rules data annotations cannot express: URL scheme, stage names, replica regions.</summary>
internal sealed partial class SecretsManagerOptionsValidator : IValidateOptions<SecretsManagerOptions>
{
    public ValidateOptionsResult Validate(string? name, SecretsManagerOptions options)
    {
        var failures = new List<string>();
        if (options.ServiceUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            failures.Add("KvReplicator:SecretsManager:ServiceUrl must be an absolute http or https URL.");
        }

        if (options.SupersededVersionStage is "AWSCURRENT" or "AWSPREVIOUS" or "AWSPENDING")
        {
            failures.Add("KvReplicator:SecretsManager:SupersededVersionStage must not be one of the AWS-managed stages (AWSCURRENT, AWSPREVIOUS, AWSPENDING).");
        }

        foreach (string region in options.ReplicaRegions)
        {
            if (!RegionPattern().IsMatch(region ?? ""))
            {
                failures.Add($"KvReplicator:SecretsManager:ReplicaRegions contains '{region}', which is not an AWS region name.");
            }
            else if (string.Equals(region, options.Region, StringComparison.Ordinal))
            {
                failures.Add($"KvReplicator:SecretsManager:ReplicaRegions must not contain the primary region '{region}'.");
            }
        }

        if (options.ReplicaRegions.Distinct(StringComparer.Ordinal).Count() != options.ReplicaRegions.Count)
        {
            failures.Add("KvReplicator:SecretsManager:ReplicaRegions lists a region twice.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")]
    private static partial Regex RegionPattern();
}
