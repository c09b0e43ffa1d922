using System.Reflection;
using KvReplicator.Tests.Infra;

namespace KvReplicator.Tests.Architecture;

/// <summary>
/// The core keeps its layering (<see cref="CoreLayers"/>, docs/architecture.md): the kernel uses nothing, an
/// adapter uses only the kernel and what is shared below it, a use case never an adapter; only the composition
/// root knows every adapter. Read from the compiled assembly, compiler-generated types included, and from the
/// using lines of its sources.
/// </summary>
public sealed class CoreLayeringTests
{
    private static readonly Assembly s_core = typeof(SecretValue).Assembly;

    [Fact]
    public void The_compiled_core_uses_only_what_its_layering_allows()
    {
        List<string> violations = CoreLayers.Rules.Violations(s_core);

        Assert.Empty(violations); // each line names the two types and where one uses the other
    }

    [Fact]
    public void The_core_sources_import_only_what_the_layering_allows()
    {
        List<string> violations = SourceImports.Violations(CoreLayers.Rules, Path.Combine(RepositoryLayout.Root, "src", "KvReplicator"));

        Assert.Empty(violations);
    }

    [Fact]
    public void The_check_reads_every_layer_of_the_core()
    {
        // Not vacuous: the assembly read is the core, with types in the kernel, the use cases and every adapter.
        string[] components = [.. s_core.GetTypes().Select(type => CoreLayers.Rules.ComponentOf(type.Namespace)).OfType<string>().Distinct()];

        Assert.Superset(
            new HashSet<string>([NamespaceRules.Kernel, "Replication", "Reconciliation", "Events", "DeadLettering", "KeyVault", "SecretsManager", "Ledger", "Credentials", "Notifications", "Storage", "Throttling", "DependencyInjection"]),
            new HashSet<string>(components));
    }

    [Fact]
    public void A_use_the_rules_forbid_is_reported_from_the_compiled_core()
    {
        // The same core under rules in which the event entry point may not drive the replicator: the checker finds
        // the uses, among them those only the compiler-generated state machine of an async method makes.
        var allowed = CoreLayers.Rules.Allowed.ToDictionary(rule => rule.Key, rule => rule.Value);
        allowed["Events"] = [.. allowed["Events"].Where(component => component != "Replication")];
        var stricter = CoreLayers.Rules with { Allowed = allowed };

        List<string> violations = stricter.Violations(s_core);

        Assert.Contains(violations, line => line.StartsWith("Events → Replication: KvReplicator.Events.KeyVaultEventProcessor uses KvReplicator.Replication.SecretReplicator", StringComparison.Ordinal));
        Assert.Contains(violations, line => line.StartsWith("Events → Replication: KvReplicator.Events.KeyVaultEventProcessor+<", StringComparison.Ordinal));
        Assert.All(violations, line => Assert.StartsWith("Events → Replication: ", line, StringComparison.Ordinal));
    }

    [Fact]
    public void A_using_line_the_rules_forbid_is_reported()
    {
        var allowed = CoreLayers.Rules.Allowed.ToDictionary(rule => rule.Key, rule => rule.Value);
        allowed["Events"] = [.. allowed["Events"].Where(component => component != "Replication")];

        List<string> violations = SourceImports.Violations(CoreLayers.Rules with { Allowed = allowed }, Path.Combine(RepositoryLayout.Root, "src", "KvReplicator"));

        Assert.Contains(violations, line =>
            line.StartsWith("Events/KeyVaultEventProcessor.cs:", StringComparison.Ordinal)
            && line.EndsWith("Events → Replication: using KvReplicator.Replication;", StringComparison.Ordinal));
    }
}
