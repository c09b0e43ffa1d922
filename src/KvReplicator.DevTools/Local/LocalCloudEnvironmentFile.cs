using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;

namespace KvReplicator.DevTools.Local;

/// <summary>
/// Where a running <c>kvrep-dev localcloud</c> (or <c>kvrep-dev demo --keep-running</c>) can be found: endpoints and the
/// certificate to pin, and the <c>KvReplicator</c> settings of its serve, so that the file is also a <c>--config</c>
/// for <c>kvrep</c> run from another shell (<c>kvrep status --config &lt;file&gt;</c>). Written 0600 while it runs and
/// deleted when it stops; it never holds the delivery key. Azurite's connection string carries Azurite's published
/// development key, which is not a secret.
/// </summary>
public sealed record LocalCloudEnvironmentFile
{
    /// <summary>Overrides the file's location.</summary>
    public const string PathVariable = "KVREP_LOCALCLOUD_FILE";

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public required Uri VaultUri { get; init; }

    public required string VaultName { get; init; }

    public required string CertificateThumbprintSha256 { get; init; }

    public required string AwsRegion { get; init; }

    public required Uri MotoEndpoint { get; init; }

    public required string AzuriteConnectionString { get; init; }

    public Uri? ServeUrl { get; init; }

    public string TargetPrefix { get; init; } = string.Empty;

    /// <summary>
    /// The settings the local serve runs with, nested as a configuration file nests them (<c>KvReplicator:KeyVault:VaultUri</c>
    /// becomes <c>{"KvReplicator":{"KeyVault":{"VaultUri":…}}}</c>), with the local cloud's Azure credential.
    /// </summary>
    [JsonPropertyName("KvReplicator")]
    public JsonObject? KvReplicator { get; init; }

    public int ProcessId { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    /// <summary><c>$KVREP_LOCALCLOUD_FILE</c>, else <c>$XDG_RUNTIME_DIR/kvrep/localcloud.json</c>, else <c>~/.kvrep/localcloud.json</c>.</summary>
    public static string DefaultPath
    {
        get
        {
            if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } explicitPath)
            {
                return explicitPath;
            }

            string? runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
            string folder = !string.IsNullOrEmpty(runtime) && Directory.Exists(runtime)
                ? Path.Combine(runtime, "kvrep")
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kvrep");
            return Path.Combine(folder, "localcloud.json");
        }
    }

    /// <summary>Nests flat <c>KvReplicator:…</c> settings (their first segment dropped) the way a JSON configuration file holds them.</summary>
    public static JsonObject NestSettings(IReadOnlyDictionary<string, string?> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var root = new JsonObject();
        foreach ((string key, string? value) in settings)
        {
            string[] path = key.Split(ConfigurationPath.KeyDelimiter);
            if (path.Length < 2 || !string.Equals(path[0], nameof(KvReplicator), StringComparison.OrdinalIgnoreCase))
            {
                throw new ArgumentException($"'{key}' is not a KvReplicator setting.", nameof(settings));
            }

            JsonObject node = root;
            foreach (string segment in path[1..^1])
            {
                node = (JsonObject)(node[segment] ??= new JsonObject());
            }

            node[path[^1]] = value;
        }

        return root;
    }

    public async Task WriteAsync(string path, CancellationToken cancellationToken = default)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        File.Delete(path);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var stream = new FileStream(path, options);
        await JsonSerializer.SerializeAsync(stream, this, s_json, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The file at <paramref name="path"/>, or null when there is none or the process that wrote it is gone.</summary>
    public static async Task<LocalCloudEnvironmentFile?> TryReadAsync(string path, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        LocalCloudEnvironmentFile? file;
        try
        {
            await using FileStream stream = File.OpenRead(path);
            file = await JsonSerializer.DeserializeAsync<LocalCloudEnvironmentFile>(stream, s_json, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }

        return file is not null && IsRunning(file.ProcessId) ? file : null;
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using Process process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
