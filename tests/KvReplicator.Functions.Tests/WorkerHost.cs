using System.Text.Json;
using KvReplicator.Tests.Infra;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KvReplicator.Functions.Tests;

/// <summary>The worker's host as Program.cs composes it, from settings the way the Functions host hands them over.</summary>
internal static class WorkerHost
{
    /// <summary>
    /// The <c>Values</c> of local.settings.json.example. The Functions host passes them to the worker as environment
    /// variables, where <c>__</c> separates sections.
    /// </summary>
    public static Dictionary<string, string?> ExampleSettings()
    {
        string path = Path.Combine(RepositoryLayout.Root, "src", "KvReplicator.Functions", "local.settings.json.example");
        using JsonDocument example = JsonDocument.Parse(File.ReadAllText(path));
        return example.RootElement.GetProperty("Values").EnumerateObject()
            .ToDictionary(setting => setting.Name.Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal), setting => setting.Value.GetString(), StringComparer.OrdinalIgnoreCase);
    }

    /// <param name="settings">The app settings.</param>
    /// <param name="registerFirst">Registrations made before Program's, which the core keeps (it adds with TryAdd): the emulators' credentials.</param>
    public static IHost Build(IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? registerFirst = null)
    {
        FunctionsApplicationBuilder builder = FunctionsApplication.CreateBuilder([]);
        builder.Configuration.AddInMemoryCollection(settings);
        registerFirst?.Invoke(builder.Services);
        Program.AddServices(builder.Services, builder.Configuration);
        return builder.Build();
    }
}
