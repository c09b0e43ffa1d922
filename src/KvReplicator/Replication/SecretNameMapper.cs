using System.Text;
using System.Text.RegularExpressions;

namespace KvReplicator.Replication;

/// <summary>
/// Maps a Key Vault secret name to its Secrets Manager name by a template such as <c>{prefix}{vault}/{name}</c>:
/// <c>{prefix}</c> is the configured prefix, <c>{vault}</c> the vault's name (lower case, as Azure spells its
/// host name), <c>{name}</c> the secret's name, and everything else is kept as written.
/// </summary>
/// <remarks>
/// Once the prefix and the vault are filled in, a template is a fixed head, the name and a fixed tail, so
/// within one vault two names never map to one target name (Key Vault names differ case-insensitively, and so
/// do their target names). Across vaults feeding one target they can: see <see cref="MayCollideWith"/>.
/// </remarks>
internal sealed partial class SecretNameMapper
{
    /// <summary>Secrets Manager's limit on a secret name.</summary>
    public const int MaxTargetNameLength = 512;

    /// <summary>The template when none is configured: the prefix, then the name.</summary>
    public const string DefaultTemplate = "{prefix}{name}";

    /// <summary>Key Vault's limits: vault names 3-24 characters, secret names 1-127, both of letters, digits and hyphens.</summary>
    private const int MaxVaultNameLength = 24;

    private const string PrefixPlaceholder = "{prefix}";
    private const string VaultPlaceholder = "{vault}";
    private const string NamePlaceholder = "{name}";

    private readonly string _head;
    private readonly string _tail;
    private readonly string _template;
    private readonly string? _vaultName;

    /// <summary>The default template: <paramref name="prefix"/> followed by the name.</summary>
    public SecretNameMapper(string prefix)
        : this(DefaultTemplate, prefix, vaultName: null)
    {
    }

    /// <param name="template">The name template; <see cref="TemplateError"/> says what it must be.</param>
    /// <param name="prefix">What <c>{prefix}</c> stands for.</param>
    /// <param name="vaultName">What <c>{vault}</c> stands for; required when the template uses it.</param>
    /// <exception cref="ArgumentException">The template or the prefix breaks Secrets Manager's name rules.</exception>
    public SecretNameMapper(string template, string prefix, string? vaultName)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(prefix);
        if (TemplateError(template, prefix) is { } error)
        {
            throw new ArgumentException(error, nameof(template));
        }

        bool usesVault = template.Contains(VaultPlaceholder, StringComparison.Ordinal);
        if (usesVault && string.IsNullOrEmpty(vaultName))
        {
            throw new ArgumentException("The name template uses {vault}, so the vault's name is required.", nameof(vaultName));
        }

        _template = template;
        _vaultName = vaultName;
        string filled = template
            .Replace(PrefixPlaceholder, prefix, StringComparison.Ordinal)
            .Replace(VaultPlaceholder, usesVault ? vaultName!.ToLowerInvariant() : "", StringComparison.Ordinal);
        int name = filled.IndexOf(NamePlaceholder, StringComparison.Ordinal);
        _head = filled[..name];
        _tail = filled[(name + NamePlaceholder.Length)..];
        if (!TargetNamePattern().IsMatch(_head + _tail))
        {
            throw new ArgumentException("The vault's name may only contain letters, digits and hyphens.", nameof(vaultName));
        }
    }

    /// <summary>
    /// What every target name this mapper produces starts with: listing the target by it finds all of them
    /// (the whole template's text before <c>{name}</c>, prefix and vault filled in).
    /// </summary>
    public string Prefix => _head;

    /// <summary>
    /// Why a template cannot be used, or null when it can: only the placeholders <c>{prefix}</c>, <c>{vault}</c>
    /// and <c>{name}</c>, each at most once and <c>{name}</c> exactly once (without it every secret would map to
    /// one name); the rest of the text, and the prefix, only in Secrets Manager's name alphabet; and room left
    /// within its 512 characters for the longest vault name and at least one character of the secret's name.
    /// </summary>
    public static string? TemplateError(string? template, string? prefix)
    {
        if (string.IsNullOrEmpty(template))
        {
            return "The name template is empty; it needs at least {name}, e.g. {prefix}{name}.";
        }

        if (!TargetNamePattern().IsMatch(prefix ?? ""))
        {
            return "The target prefix may only contain letters, digits and / _ + = . @ -";
        }

        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var literal = new StringBuilder();
        foreach (Match match in PlaceholderPattern().Matches(template))
        {
            if (match.Length == 1)
            {
                literal.Append(match.Value);
                continue;
            }

            if (match.Value is not (PrefixPlaceholder or VaultPlaceholder or NamePlaceholder))
            {
                return $"The name template contains '{match.Value}'; the placeholders are {PrefixPlaceholder}, {VaultPlaceholder} and {NamePlaceholder}.";
            }

            counts[match.Value] = counts.GetValueOrDefault(match.Value) + 1;
        }

        if (!TargetNamePattern().IsMatch(literal.ToString()))
        {
            return "The name template may only contain letters, digits, / _ + = . @ - and the placeholders {prefix}, {vault} and {name}.";
        }

        if (counts.GetValueOrDefault(NamePlaceholder) != 1)
        {
            return "The name template must contain {name} exactly once: without it every secret maps to the same Secrets Manager name.";
        }

        if (counts.Any(count => count.Value > 1))
        {
            return "The name template may use each placeholder once.";
        }

        int fixedLength = literal.Length
            + (counts.ContainsKey(PrefixPlaceholder) ? (prefix ?? "").Length : 0)
            + (counts.ContainsKey(VaultPlaceholder) ? MaxVaultNameLength : 0);
        return fixedLength + 1 > MaxTargetNameLength
            ? $"The name template leaves no room for a secret's name within Secrets Manager's {MaxTargetNameLength} characters."
            : null;
    }

    /// <summary>Maps a name, or returns null with a reason when Secrets Manager would not accept the result.</summary>
    public string? TryMap(string sourceName, out string? rejection)
    {
        string target = Render(sourceName);
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

    /// <summary>The target name as the template spells it, checked against nothing: for reports of a name <see cref="TryMap"/> refused.</summary>
    public string Render(string sourceName) => _head + sourceName + _tail;

    /// <summary>The source name of a target name this mapper produced, or null when it does not have the template's shape.</summary>
    public string? TryUnmap(string targetName) =>
        targetName.Length > _head.Length + _tail.Length
        && targetName.StartsWith(_head, StringComparison.Ordinal)
        && targetName.EndsWith(_tail, StringComparison.Ordinal)
            ? targetName[_head.Length..^_tail.Length]
            : null;

    /// <summary>
    /// Whether some name mapped by this mapper and some name mapped by <paramref name="other"/> can be the same
    /// target name: for two vaults feeding one target, a configuration to refuse at start. It can when one head
    /// extends the other by Key Vault name characters only (letters, digits, hyphens), and one tail extends the
    /// other the same way, e.g. <c>a{vault}{name}</c> for vaults <c>ab</c> and <c>abc</c>, or <c>{prefix}{name}</c>
    /// for two vaults; a separator such as <c>{vault}/{name}</c> rules it out. Compared case-insensitively, which
    /// errs towards refusing. Two mappers of the same vault and template say true: they map the same secrets.
    /// </summary>
    public bool MayCollideWith(SecretNameMapper other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return ExtendsByNameCharacters(_head, other._head, fromStart: true)
            && ExtendsByNameCharacters(_tail, other._tail, fromStart: false);
    }

    /// <summary>
    /// Why the mappers of several vaults cannot share one target, or null when they can: the first pair of
    /// different vaults that <see cref="MayCollideWith"/> says can map two secrets onto one name. For the start-up
    /// validation of a target fed by several vaults.
    /// </summary>
    public static string? CollisionError(IReadOnlyList<SecretNameMapper> mappers)
    {
        ArgumentNullException.ThrowIfNull(mappers);
        for (int first = 0; first < mappers.Count; first++)
        {
            for (int second = first + 1; second < mappers.Count; second++)
            {
                (SecretNameMapper a, SecretNameMapper b) = (mappers[first], mappers[second]);
                if (!string.Equals(a._vaultName, b._vaultName, StringComparison.OrdinalIgnoreCase) && a.MayCollideWith(b))
                {
                    return $"Vaults '{a._vaultName}' ({a._template}) and '{b._vaultName}' ({b._template}) can map two secrets to one Secrets Manager name; "
                        + "put {vault} in the name template, followed by a character that cannot occur in a Key Vault name, e.g. {prefix}{vault}/{name}.";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// True when one of the texts is the other plus only Key Vault name characters, added at the end (heads,
    /// <paramref name="fromStart"/>) or at the start (tails): a name can then absorb the difference.
    /// </summary>
    private static bool ExtendsByNameCharacters(string first, string second, bool fromStart)
    {
        (string shorter, string longer) = first.Length <= second.Length ? (first, second) : (second, first);
        bool related = fromStart
            ? longer.StartsWith(shorter, StringComparison.OrdinalIgnoreCase)
            : longer.EndsWith(shorter, StringComparison.OrdinalIgnoreCase);
        string extra = fromStart ? longer[shorter.Length..] : longer[..^shorter.Length];
        return related && extra.All(character => char.IsAsciiLetterOrDigit(character) || character == '-');
    }

    [GeneratedRegex("^[A-Za-z0-9/_+=.@-]*$")]
    private static partial Regex TargetNamePattern();

    /// <summary>A placeholder-like <c>{…}</c>, or one character of literal text.</summary>
    [GeneratedRegex(@"\{[^{}]*\}|.", RegexOptions.Singleline)]
    private static partial Regex PlaceholderPattern();
}
