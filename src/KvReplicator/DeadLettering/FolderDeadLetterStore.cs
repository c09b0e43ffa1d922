namespace KvReplicator.DeadLettering;

/// <summary>Dead letters as <c>*.json</c> files under a folder (a downloaded container, or the local Event Grid's folder).</summary>
internal sealed class FolderDeadLetterStore : IDeadLetterStore
{
    private readonly string _root;

    public FolderDeadLetterStore(string folder)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        _root = Path.GetFullPath(folder);
    }

    public string Location => _root;

    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public IAsyncEnumerable<string> ListAsync(CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(_root))
        {
            throw new DirectoryNotFoundException($"Dead-letter folder '{_root}' does not exist.");
        }

        // Listed in full before the first move, so files moved under replayed/ meanwhile are never met.
        string replayed = Path.Combine(_root, IDeadLetterStore.ReplayedPrefix.TrimEnd('/')) + Path.DirectorySeparatorChar;
        string[] names = [.. Directory.EnumerateFiles(_root, "*.json", SearchOption.AllDirectories)
            .Where(path => !path.StartsWith(replayed, StringComparison.Ordinal))
            .Select(path => Path.GetRelativePath(_root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];
        return names.ToAsyncEnumerable();
    }

    public async Task<BinaryData> ReadAsync(string name, CancellationToken cancellationToken = default) =>
        BinaryData.FromBytes(await File.ReadAllBytesAsync(PathOf(name), cancellationToken).ConfigureAwait(false));

    public Task MarkReplayedAsync(string name, CancellationToken cancellationToken = default)
    {
        string source = PathOf(name);
        string destination = PathOf(IDeadLetterStore.ReplayedPrefix + name);
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        if (File.Exists(source))
        {
            File.Move(source, destination, overwrite: true);
        }

        return Task.CompletedTask;
    }

    public Task DeleteAsync(string name, CancellationToken cancellationToken = default)
    {
        File.Delete(PathOf(name));
        return Task.CompletedTask;
    }

    /// <summary>Names come from <see cref="ListAsync"/>; refuse anything that would leave the folder.</summary>
    private string PathOf(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string path = Path.GetFullPath(Path.Combine(_root, name));
        if (!path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a dead letter of '{_root}'.", nameof(name));
        }

        return path;
    }
}
