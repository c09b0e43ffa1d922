using System.Reflection;
using System.Text.RegularExpressions;
using KvReplicator.Cli.Commands;
using KvReplicator.DevTools.Commands;
using Microsoft.Extensions.DependencyModel;

namespace KvReplicator.Tests.Architecture;

/// <summary>
/// What ships as <c>kvrep</c> (the production CLI and everything it loads) holds no developer tooling: not the
/// local cloud's stand-ins, not the test plan, not <c>kvrep-dev</c>, no bench, chaos or demo code. Checked on
/// kvrep's deps.json, which is what <c>dotnet publish</c> copies (so a project reference the compiler drops from
/// the metadata because nothing uses it is still caught), and on the compiled assemblies.
/// </summary>
public sealed class ProductionClosureTests
{
    private static readonly string[] s_developmentAssemblies = ["KvReplicator.LocalCloud", "KvReplicator.TestPlan", "KvReplicator.DevTools", "kvrep-dev"];

    // The developer tools' namespaces and type names (KvReplicator.DevTools.Bench.BenchRunner, ….Chaos.CrashingLedger, …).
    private static readonly Regex s_developmentTypeName = new(
        @"(^|[.+])(DevTools|LocalCloud|TestPlan|Bench|Chaos|Demo|LocalDeployment|FaultInject|Crashing)",
        RegexOptions.CultureInvariant);

    [Fact]
    public void Kvrep_deps_json_lists_no_development_project()
    {
        string[] libraries = DepsJsonLibraries("kvrep");

        Assert.Contains("KvReplicator", libraries); // the file was read: it names the core
        Assert.Empty(libraries.Intersect(s_developmentAssemblies, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void Kvrep_assemblies_reference_no_development_assembly()
    {
        string[] closure = [.. AssemblyClosure(typeof(KvrepRootCommand).Assembly).Select(assembly => assembly.GetName().Name!)];

        Assert.Contains("KvReplicator", closure);
        Assert.Empty(closure.Intersect(s_developmentAssemblies, StringComparer.OrdinalIgnoreCase));
    }

    [Fact]
    public void Kvrep_assemblies_hold_no_bench_chaos_demo_or_test_plan_type()
    {
        Assembly[] ours = [.. AssemblyClosure(typeof(KvrepRootCommand).Assembly).Where(IsOurs)];

        Assert.Contains(ours, assembly => assembly.GetName().Name == "KvReplicator");
        string[] developmentTypes = [.. ours.SelectMany(assembly => assembly.GetTypes()).Select(type => type.FullName!).Where(name => s_developmentTypeName.IsMatch(name))];
        Assert.Empty(developmentTypes); // names them when it fails
    }

    [Fact]
    public void The_checks_find_the_development_tooling_in_kvrep_dev()
    {
        // kvrep-dev holds everything the checks above look for: they can fail.
        Assembly devTools = typeof(KvrepDevRootCommand).Assembly;

        Assert.Contains("KvReplicator.LocalCloud", DepsJsonLibraries("kvrep-dev"));
        Assert.Contains("KvReplicator.TestPlan", AssemblyClosure(devTools).Select(assembly => assembly.GetName().Name));
        Assert.Contains(devTools.GetTypes(), type => s_developmentTypeName.IsMatch(type.FullName!) && type.FullName!.Contains(".Bench.", StringComparison.Ordinal));
        Assert.Contains(devTools.GetTypes(), type => s_developmentTypeName.IsMatch(type.FullName!) && type.FullName!.Contains(".Chaos.", StringComparison.Ordinal));
    }

    /// <summary>Every library the SDK wrote into the application's deps.json, copied next to the tests with its project.</summary>
    private static string[] DepsJsonLibraries(string application)
    {
        using FileStream stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, application + ".deps.json"));
        DependencyContext context = new DependencyContextJsonReader().Read(stream);
        return [.. context.RuntimeLibraries.Select(library => library.Name).Concat(context.CompileLibraries.Select(library => library.Name)).Distinct()];
    }

    /// <summary>The assembly and, transitively, every assembly it references that is not part of the shared framework.</summary>
    private static List<Assembly> AssemblyClosure(Assembly root)
    {
        var closure = new List<Assembly>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { root.GetName().Name! };
        var pending = new Stack<Assembly>([root]);
        while (pending.TryPop(out Assembly? assembly))
        {
            closure.Add(assembly);
            foreach (AssemblyName reference in assembly.GetReferencedAssemblies())
            {
                // The framework's assemblies live in the shared runtime; everything the build copied sits beside the tests.
                if (seen.Add(reference.Name!) && File.Exists(Path.Combine(AppContext.BaseDirectory, reference.Name + ".dll")))
                {
                    pending.Push(Assembly.Load(reference));
                }
            }
        }

        return closure;
    }

    private static bool IsOurs(Assembly assembly) =>
        assembly.GetName().Name is { } name && (name.StartsWith("KvReplicator", StringComparison.Ordinal) || name.StartsWith("kvrep", StringComparison.Ordinal));
}
