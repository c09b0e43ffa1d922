using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace KvReplicator.SecretsManager;

/// <summary>The rules data annotations cannot express: URL scheme, stage names, replica regions and their keys, takeover, policy, content types.</summary>
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

        if (ReplicatedMetadata.TargetTagError(options.Tags) is { } tagError)
        {
            failures.Add($"KvReplicator:SecretsManager:Tags: {tagError}.");
        }

        foreach (string region in options.ReplicaKmsKeyIds.Keys.Where(region => !options.ReplicaRegions.Contains(region)))
        {
            failures.Add($"KvReplicator:SecretsManager:ReplicaKmsKeyIds names '{region}', which is not one of ReplicaRegions.");
        }

        if (options.ReplicaKmsKeyIds.Any(pair => string.IsNullOrWhiteSpace(pair.Value)))
        {
            failures.Add("KvReplicator:SecretsManager:ReplicaKmsKeyIds has a region without a key id; leave the region out to use its aws/secretsmanager key.");
        }

        if (options.AdoptForeignSecrets && options.TakeoverPolicy == TakeoverPolicy.AdoptIfEqual)
        {
            failures.Add("KvReplicator:SecretsManager:AdoptForeignSecrets=true contradicts TakeoverPolicy=AdoptIfEqual; remove AdoptForeignSecrets.");
        }

        if (!Enum.IsDefined(options.TakeoverPolicy))
        {
            failures.Add("KvReplicator:SecretsManager:TakeoverPolicy must be Refuse, Adopt or AdoptIfEqual.");
        }

        if (options.ResourcePolicy is { } policy && !IsJsonObject(policy))
        {
            failures.Add("KvReplicator:SecretsManager:ResourcePolicy must be a JSON policy document (an object with Version and Statement).");
        }

        foreach (string contentType in options.BinaryContentTypes.Where(type => !MediaTypePattern().IsMatch(type ?? "")))
        {
            failures.Add($"KvReplicator:SecretsManager:BinaryContentTypes contains '{contentType}', which is not a media type such as application/octet-stream.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static bool IsJsonObject(string text)
    {
        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("Statement", out _);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")]
    private static partial Regex RegionPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*$")]
    private static partial Regex MediaTypePattern();
}
