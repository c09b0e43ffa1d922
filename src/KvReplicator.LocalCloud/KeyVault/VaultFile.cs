using System.Text.Json;

namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>
/// The stand-in's optional JSON file. It holds secret values in clear text, which is acceptable only for
/// local demos; it is replaced atomically and created readable by its owner alone.
/// </summary>
internal sealed class VaultFile
{
    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly string _path;

    public VaultFile(string path) => _path = Path.GetFullPath(path);

    public IReadOnlyList<StoredSecret> Load()
    {
        if (!File.Exists(_path))
        {
            return [];
        }

        using FileStream stream = File.OpenRead(_path);
        return JsonSerializer.Deserialize<List<StoredSecret>>(stream, s_json) ?? [];
    }

    public void Save(IEnumerable<StoredSecret> secrets)
    {
        string directory = Path.GetDirectoryName(_path)!;
        Directory.CreateDirectory(directory);
        string temporary = Path.Combine(directory, $".{Path.GetFileName(_path)}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, secrets.ToList(), s_json);
            }

            // A rename never leaves a half-written vault behind if the process dies mid-save.
            File.Move(temporary, _path, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
