using System.Reflection;

namespace KvReplicator.Tests.Architecture;

/// <summary>
/// Which namespaces of an assembly may use which. A namespace is known by its component, the first name below
/// <see cref="Root"/> (<c>KvReplicator.SecretsManager.Model</c> belongs to <c>SecretsManager</c>); the root
/// namespace itself is the component <see cref="Kernel"/>. A component may always use itself.
/// </summary>
/// <param name="Root">The assembly's root namespace.</param>
/// <param name="Allowed">Every component and the components it may use; <see cref="Anything"/> for the composition root.</param>
/// <param name="KernelFrameworkOnly">The kernel may use, outside its own assembly, the .NET base class library only.</param>
internal sealed record NamespaceRules(string Root, IReadOnlyDictionary<string, string[]> Allowed, bool KernelFrameworkOnly = true)
{
    /// <summary>The component of the root namespace: the kernel.</summary>
    public const string Kernel = "";

    /// <summary>Stands for every component: the composition root may use them all.</summary>
    public const string Anything = "*";

    /// <summary>The component a namespace belongs to; null when it is not below <see cref="Root"/> (compiler-generated helpers).</summary>
    public string? ComponentOf(string? @namespace) =>
        @namespace == Root ? Kernel
        : @namespace is not null && @namespace.StartsWith(Root + ".", StringComparison.Ordinal) ? @namespace[(Root.Length + 1)..].Split('.')[0]
        : null;

    public bool MayUse(string component, string used) =>
        component == used || (Allowed.TryGetValue(component, out string[]? allowed) && (allowed.Contains(used) || allowed.Contains(Anything)));

    /// <summary>
    /// Every use in <paramref name="assembly"/> that the rules forbid, one line each, e.g.
    /// <c>Events → Replication: KvReplicator.Events.KeyVaultEventProcessor uses KvReplicator.Replication.SecretReplicator (field _replicator)</c>.
    /// A namespace below the root that the rules do not name is a violation too: a new folder must be placed in the layering.
    /// </summary>
    public List<string> Violations(Assembly assembly) => Violations(assembly.GetTypes());

    public List<string> Violations(IEnumerable<Type> types)
    {
        var violations = new SortedSet<string>(StringComparer.Ordinal);
        foreach (Type type in types)
        {
            if (ComponentOf(type.Namespace) is not { } component)
            {
                continue;
            }

            if (!Allowed.ContainsKey(component))
            {
                violations.Add($"{type.Namespace} is in no layer: give the component '{component}' its place in the rules (and in docs/architecture.md)");
                continue;
            }

            // One line per type used, with every place it is used from.
            foreach (IGrouping<Type, TypeReference> uses in TypeReferences.Of(type).GroupBy(reference => reference.Type))
            {
                if (Check(type, component, uses.Key) is { } problem)
                {
                    violations.Add($"{problem} ({string.Join("; ", uses.Select(use => use.Via).Distinct())})");
                }
            }
        }

        return [.. violations];
    }

    private string? Check(Type type, string component, Type used)
    {
        if (used.Assembly != type.Assembly)
        {
            return component == Kernel && KernelFrameworkOnly && !IsFramework(used.Assembly)
                ? $"kernel → {used.Assembly.GetName().Name}: {Name(type)} uses {Name(used)}"
                : null;
        }

        if (ComponentOf(used.Namespace) is not { } usedComponent || MayUse(component, usedComponent))
        {
            return null;
        }

        return $"{Display(component)} → {Display(usedComponent)}: {Name(type)} uses {Name(used)}";
    }

    private static bool IsFramework(Assembly assembly) =>
        assembly.GetName().Name is { } name && (name == "System.Private.CoreLib" || name == "netstandard" || name.StartsWith("System.", StringComparison.Ordinal));

    private static string Display(string component) => component == Kernel ? "kernel" : component;

    private static string Name(Type type) => type.FullName ?? type.Name;
}
