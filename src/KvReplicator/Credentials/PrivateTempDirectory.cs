namespace KvReplicator.Credentials;

/// <summary>
/// A directory only this user can enter (0700, created atomically by <c>mkdtemp</c>) for files that must
/// exist only while a child process reads them. Files are created 0600 from the start, never widened and
/// then narrowed; <see cref="Dispose"/> deletes everything. The modes are POSIX ones: on Windows the
/// directory relies on the ACLs of the user's temporary folder instead.
/// </summary>
internal sealed class PrivateTempDirectory : IDisposable
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private PrivateTempDirectory(DirectoryInfo directory) => Directory = directory;

    public DirectoryInfo Directory { get; }

    public static PrivateTempDirectory Create(string prefix) => new(System.IO.Directory.CreateTempSubdirectory(prefix));

    /// <summary>Writes a new file readable and writable by the owner only; fails if the name exists.</summary>
    public async Task<string> WriteFileAsync(string fileName, string content, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(Directory.FullName, fileName);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerReadWrite;
        }

        var stream = new FileStream(path, options);
        await using (stream.ConfigureAwait(false))
        {
            var writer = new StreamWriter(stream);
            await using (writer.ConfigureAwait(false))
            {
                await writer.WriteAsync(content.AsMemory(), cancellationToken).ConfigureAwait(false);
            }
        }

        return path;
    }

    public void Dispose()
    {
        if (Directory.Exists)
        {
            Directory.Delete(recursive: true);
        }
    }
}
