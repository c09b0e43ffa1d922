using System.Text.RegularExpressions;

namespace KvReplicator.Replication;

/// <summary>
/// Which source secrets are replicated: name globs to include and exclude, the always-excluded names, and
/// an optional opt-in tag. The event pipeline and <c>kvrep sync</c> both ask this one type, so a secret
/// is replicated by events exactly when sync would replicate it.
/// </summary>
/// <remarks>
/// Globs match the whole name, case-insensitively as Key Vault compares names: <c>*</c> is any run of
/// characters, <c>?</c> one character. No include glob means every name; an exclude wins over an include.
/// </remarks>
internal sealed class ReplicationFilter
{
    private readonly HashSet<string> _excludedNames;
    private readonly Regex[] _include;
    private readonly Regex[] _exclude;
    private readonly string? _requiredTagName;
    private readonly string? _requiredTagValue;

    public ReplicationFilter(ReplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _excludedNames = new HashSet<string>(options.ExcludedSecretNames, StringComparer.OrdinalIgnoreCase);
        // A blank entry (an app setting left empty) is no pattern: it must not turn "include all" into "include none".
        _include = [.. options.IncludeNamePatterns.Where(p => !string.IsNullOrWhiteSpace(p)).Select(ToRegex)];
        _exclude = [.. options.ExcludeNamePatterns.Where(p => !string.IsNullOrWhiteSpace(p)).Select(ToRegex)];
        _requiredTagName = string.IsNullOrWhiteSpace(options.RequiredTagName) ? null : options.RequiredTagName;
        _requiredTagValue = _requiredTagName is null || string.IsNullOrEmpty(options.RequiredTagValue) ? null : options.RequiredTagValue;
    }

    /// <summary>True when an opt-in tag is configured, so the name alone cannot decide.</summary>
    public bool RequiresTag => _requiredTagName is not null;

    /// <summary>Decides by name alone; returns the reason a name is left out, or null when it is in.</summary>
    public string? ExcludeByName(string secretName)
    {
        ArgumentNullException.ThrowIfNull(secretName);
        if (_excludedNames.Contains(secretName))
        {
            return "secret is excluded from replication";
        }

        if (_include.Length > 0 && !_include.Any(pattern => pattern.IsMatch(secretName)))
        {
            return "secret name matches no include pattern";
        }

        return _exclude.Any(pattern => pattern.IsMatch(secretName)) ? "secret name matches an exclude pattern" : null;
    }

    /// <summary>Decides by name and tags; returns the reason a secret is left out, or null when it is in.</summary>
    public string? Exclude(string secretName, IReadOnlyDictionary<string, string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        string? byName = ExcludeByName(secretName);
        if (byName is not null || _requiredTagName is null)
        {
            return byName;
        }

        // Key Vault tag names are case-sensitive, but people type them both ways; values are compared as given.
        string? value = tags.FirstOrDefault(tag => string.Equals(tag.Key, _requiredTagName, StringComparison.OrdinalIgnoreCase)).Value;
        if (value is null)
        {
            return $"secret lacks the opt-in tag '{_requiredTagName}'";
        }

        return _requiredTagValue is not null && !string.Equals(value, _requiredTagValue, StringComparison.OrdinalIgnoreCase)
            ? $"secret's opt-in tag '{_requiredTagName}' is not '{_requiredTagValue}'"
            : null;
    }

    private static Regex ToRegex(string glob) =>
        new("^" + Regex.Escape(glob).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}
