using System.IO.Enumeration;

namespace KvReplicator.SecretsManager;

/// <summary>
/// Which Key Vault tags a target takes, by key: globs (<c>*</c>, <c>?</c>, case-insensitive) a key must match
/// one of (none listed: every key), and globs it must match none of. A deny wins over an allow.
/// </summary>
internal sealed class SourceTagFilter(IEnumerable<string> include, IEnumerable<string> exclude)
{
    private readonly string[] _include = [.. include.Where(pattern => !string.IsNullOrWhiteSpace(pattern))];
    private readonly string[] _exclude = [.. exclude.Where(pattern => !string.IsNullOrWhiteSpace(pattern))];

    public bool Accepts(string key) =>
        (_include.Length == 0 || _include.Any(pattern => Matches(pattern, key)))
        && !_exclude.Any(pattern => Matches(pattern, key));

    private static bool Matches(string pattern, string key) => FileSystemName.MatchesSimpleExpression(pattern, key, ignoreCase: true);
}
