namespace KvReplicator.Testing;

/// <summary>
/// The test run's own temp directory. Before the first test it becomes <c>TMPDIR</c> of the test host, and so
/// of every process the tests start (moto, Azurite, signing helpers), so that <see cref="Path.GetTempPath"/> and
/// <see cref="Directory.CreateTempSubdirectory(string?)"/> land in it. The checks after the last test inspect this
/// folder only: files of other processes in the machine's temp directory are never read, and two runs at once
/// never see each other's files. A run in which every test passed removes it; a failed run keeps it for a look.
/// </summary>
/// <remarks>
/// <c>TMPDIR</c> is what .NET, Python and Node read on Linux and macOS; on Windows (TEMP) the run keeps the user's
/// temp folder. Set only from <see cref="LeakCheckingTestFramework"/>, once per test assembly.
/// </remarks>
public static class RunTempDirectory
{
    private const string Variable = "TMPDIR";

    /// <summary>
    /// Entries the .NET runtime makes in the temp directory for each process (debugger pipes, diagnostics
    /// sockets) and removes at a normal exit; a child process killed at the end of its test leaves them behind.
    /// </summary>
    private static readonly string[] s_runtimePrefixes = ["clr-debug-pipe-", "dotnet-diagnostic-"];

    private static string? s_previous;

    /// <summary>The run's temp directory, or null before the run starts.</summary>
    public static string? Path { get; private set; }

    /// <summary>Creates the run's folder inside the current temp directory and makes it this process's temp directory.</summary>
    public static void Enter()
    {
        if (Path is not null)
        {
            return;
        }

        s_previous = Environment.GetEnvironmentVariable(Variable);
        Path = Directory.CreateTempSubdirectory("kvrep-test-run-").FullName;
        Environment.SetEnvironmentVariable(Variable, Path);
    }

    /// <summary>What the tests left in the run's folder (relative paths of its top-level entries), runtime files aside.</summary>
    public static IReadOnlyList<string> Leftovers()
    {
        if (Path is null || !Directory.Exists(Path))
        {
            return [];
        }

        return [.. Directory.EnumerateFileSystemEntries(Path)
            .Select(System.IO.Path.GetFileName)
            .Where(name => !s_runtimePrefixes.Any(prefix => name!.StartsWith(prefix, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)!];
    }

    /// <summary>Gives the process its previous temp directory back, and removes the run's folder when <paramref name="remove"/>.</summary>
    public static void Leave(bool remove)
    {
        if (Path is null)
        {
            return;
        }

        Environment.SetEnvironmentVariable(Variable, s_previous);
        if (remove)
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // An emulator still writing as the host exits; the folder is under the run's own root anyway.
            }
        }
    }
}
