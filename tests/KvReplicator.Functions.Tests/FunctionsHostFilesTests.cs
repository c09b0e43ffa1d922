using System.Text.Json;
using System.Text.RegularExpressions;
using KvReplicator.Tests.Infra;

namespace KvReplicator.Functions.Tests;

/// <summary>
/// The Functions app's configuration files are plain data: these tests keep them honest (valid, quiet about
/// values, every setting documented, nothing that looks like a credential, the host.json that ships is the
/// repository's).
/// </summary>
public sealed partial class FunctionsHostFilesTests
{
    private static readonly string s_projectDirectory = Path.Combine(RepositoryLayout.Root, "src", "KvReplicator.Functions");

    [Fact]
    public void Host_json_uses_OpenTelemetry_and_keeps_request_logging_quiet()
    {
        using JsonDocument host = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "host.json")));
        JsonElement root = host.RootElement;

        Assert.Equal("2.0", root.GetProperty("version").GetString());
        Assert.Equal("OpenTelemetry", root.GetProperty("telemetryMode").GetString());
        JsonElement levels = root.GetProperty("logging").GetProperty("logLevel");
        Assert.Equal("Warning", levels.GetProperty("default").GetString());
        // HttpClient logs request URIs at Information; keep them (and anything noisier) out.
        Assert.Equal("Warning", levels.GetProperty("System.Net.Http.HttpClient").GetString());
    }

    [Fact]
    public void The_build_output_holds_the_repository_host_json()
    {
        string shipped = Path.Combine(Path.GetDirectoryName(GeneratedFunctions.FunctionsAssembly.Location)!, "host.json");

        Assert.Equal(File.ReadAllText(Path.Combine(RepositoryLayout.Root, "host.json")), File.ReadAllText(shipped));
    }

    [Fact]
    public void Every_replicator_setting_of_the_example_is_documented()
    {
        string readme = File.ReadAllText(Path.Combine(s_projectDirectory, "README.md"));
        string[] keys = ExampleSettings()
            .Select(p => p.Name)
            .Where(k => k.StartsWith("KvReplicator__", StringComparison.Ordinal))
            .Select(k => ListIndex().Replace(k, "__<n>")) // list entries are documented once, as __<n>
            .Distinct(StringComparer.Ordinal)
            .ToArray();

        Assert.NotEmpty(keys);
        foreach (string key in keys)
        {
            // Rows document a key in full, or a section once followed by its other keys as `__Name`.
            string lastSegment = key[key.LastIndexOf("__", StringComparison.Ordinal)..];
            string section = key[..key.LastIndexOf("__", StringComparison.Ordinal)];
            Assert.True(readme.Contains(key, StringComparison.Ordinal)
                || (readme.Contains(section, StringComparison.Ordinal) && readme.Contains($"`{lastSegment}`", StringComparison.Ordinal))
                || (readme.Contains(section, StringComparison.Ordinal) && readme.Contains($"`{lastSegment.TrimStart('_')}`", StringComparison.Ordinal)),
                $"{key} is in local.settings.json.example but not in src/KvReplicator.Functions/README.md");
        }
    }

    [Fact]
    public void The_settings_example_holds_no_credential()
    {
        foreach (JsonProperty setting in ExampleSettings())
        {
            string value = setting.Value.GetString() ?? string.Empty;
            Assert.DoesNotMatch(CredentialLookalike(), value);
        }
    }

    private static JsonProperty[] ExampleSettings()
    {
        using JsonDocument example = JsonDocument.Parse(File.ReadAllText(Path.Combine(s_projectDirectory, "local.settings.json.example")));
        return example.RootElement.GetProperty("Values").Clone().EnumerateObject().ToArray();
    }

    [GeneratedRegex(@"__[0-9]+$")]
    private static partial Regex ListIndex();

    /// <summary>AWS access key ids, storage account keys, SAS signatures, PEM private keys.</summary>
    [GeneratedRegex(@"(A[KS]IA[0-9A-Z]{16}|AccountKey=|[?&]sig=|PRIVATE KEY)")]
    private static partial Regex CredentialLookalike();
}
