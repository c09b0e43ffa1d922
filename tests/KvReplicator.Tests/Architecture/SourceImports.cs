using System.Text.RegularExpressions;

namespace KvReplicator.Tests.Architecture;

/// <summary>
/// The namespaces a source file imports (using directives) or names in full. The compiled check cannot see a
/// constant (its value is copied into the IL), nor an import the code no longer needs; this sees both.
/// </summary>
internal static partial class SourceImports
{
    /// <summary>Every import under <paramref name="folder"/> that <paramref name="rules"/> forbid, one line each.</summary>
    public static List<string> Violations(NamespaceRules rules, string folder)
    {
        var violations = new List<string>();
        foreach (string path in Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            string relative = Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal))
            {
                continue;
            }

            string[] lines = File.ReadAllLines(path);
            string? @namespace = lines.Select(line => FileNamespace().Match(line)).FirstOrDefault(match => match.Success)?.Groups[1].Value;
            if (rules.ComponentOf(@namespace) is not { } component)
            {
                continue;
            }

            for (int i = 0; i < lines.Length; i++)
            {
                string code = StringLiteral().Replace(lines[i].TrimStart(), "\"\"");
                if (code.StartsWith("//", StringComparison.Ordinal) || FileNamespace().IsMatch(code))
                {
                    continue;
                }

                // "using KvReplicator.X;" imports a namespace; anywhere else (using static, an alias, code) the last name is a type's.
                IEnumerable<string> namespaces = NamespaceImport().Match(code) is { Success: true } import
                    ? [import.Groups[1].Value]
                    : Qualified().Matches(code).Select(name => name.Value[..name.Value.LastIndexOf('.')]);
                foreach (string imported in namespaces)
                {
                    if (rules.ComponentOf(imported) is { } used && !rules.MayUse(component, used))
                    {
                        violations.Add($"{relative}:{i + 1}: {Display(component)} → {Display(used)}: {code}");
                    }
                }
            }
        }

        return violations;
    }

    private static string Display(string component) => component == NamespaceRules.Kernel ? "kernel" : component;

    // A setting's or a client's name ("KvReplicator.RolesAnywhere") is no import.
    [GeneratedRegex(@"""(?:[^""\\]|\\.)*""")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*[;{]?")]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"^(?:global\s+)?using\s+(KvReplicator[\w.]*)\s*;")]
    private static partial Regex NamespaceImport();

    // A name in full: "using static KvReplicator.X.Y;", "using A = KvReplicator.X.Y;", "new KvReplicator.X.Y(...)".
    [GeneratedRegex(@"(?<![\w.])KvReplicator(?:\.\w+)+")]
    private static partial Regex Qualified();
}
