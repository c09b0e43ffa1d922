using System.Text.RegularExpressions;

namespace KvReplicator.Replication;

/// <summary>Maps a Key Vault secret name to its Secrets Manager name: the configured prefix, then the name.</summary>
internal sealed partial class SecretNameMapper
{
    /// <summary>Secrets Manager's limit on a secret name.</summary>
    public const int MaxTargetNameLength = 512;

    private readonly string _prefix;

    public SecretNameMapper(string prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!TargetNamePattern().IsMatch(prefix))
        {
            throw new ArgumentException("The target prefix may only contain letters, digits and / _ + = . @ -", nameof(prefix));
        }

        _prefix = prefix;
    }

    public string Prefix => _prefix;

    /// <summary>Maps a name, or returns null with a reason when Secrets Manager would not accept the result.</summary>
    public string? TryMap(string sourceName, out string? rejection)
    {
        string target = _prefix + sourceName;
        if (target.Length > MaxTargetNameLength)
        {
            rejection = $"target name would be {target.Length} characters; Secrets Manager allows {MaxTargetNameLength}";
            return null;
        }

        if (!TargetNamePattern().IsMatch(target) || sourceName.Length == 0)
        {
            rejection = "target name would contain characters Secrets Manager does not allow";
            return null;
        }

        rejection = null;
        return target;
    }

    /// <summary>The source name of a target name this mapper produced, or null when it does not carry the prefix.</summary>
    public string? TryUnmap(string targetName) =>
        targetName.StartsWith(_prefix, StringComparison.Ordinal) && targetName.Length > _prefix.Length ? targetName[_prefix.Length..] : null;

    [GeneratedRegex("^[A-Za-z0-9/_+=.@-]*$")]
    private static partial Regex TargetNamePattern();
}
