using System.Reflection;
using System.Text.Json;
using Microsoft.Azure.Functions.Worker;

namespace KvReplicator.Functions.Tests;

/// <summary>
/// What the worker SDK generated at build time: <c>functions.metadata</c>, which the build copies beside the
/// Functions assembly (and so beside the tests), and the function classes of that assembly.
/// </summary>
internal static class GeneratedFunctions
{
    public static Assembly FunctionsAssembly { get; } = typeof(Reconcile).Assembly;

    /// <summary>Every entry of functions.metadata, by function name.</summary>
    public static IReadOnlyDictionary<string, JsonElement> Metadata { get; } = ReadMetadata();

    /// <summary>The classes holding a method marked <see cref="FunctionAttribute"/>: what the worker activates per invocation.</summary>
    public static IReadOnlyList<Type> FunctionClasses { get; } = FunctionsAssembly.GetTypes()
        .Where(type => type.GetMethods().Any(method => method.GetCustomAttribute<FunctionAttribute>() is not null))
        .ToList();

    private static Dictionary<string, JsonElement> ReadMetadata()
    {
        string path = Path.Combine(Path.GetDirectoryName(FunctionsAssembly.Location)!, "functions.metadata");
        Assert.True(File.Exists(path), $"{path} is missing: the worker SDK's metadata generation did not run");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.EnumerateArray().ToDictionary(entry => entry.GetProperty("name").GetString()!, entry => entry.Clone(), StringComparer.Ordinal);
    }
}
