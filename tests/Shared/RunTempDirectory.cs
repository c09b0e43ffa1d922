namespace KvReplicator.Testing;

/// <summary>
/// The test run's own temp directory. Before the first test it becomes <c>TMPDIR</c> of the test host, and so
/// of every process the tests start (moto, Azurite, signing helpers), so that <see cref="Path.GetTempPath"/> and
/// <see cref="Directory.CreateTempSubdirectory(string?)"/> land in it. The checks after the last test inspect this
/// folder only: files of other processes in the machine's temp directory are never read, and two runs at once
/// never see each other's files. A run in which every test passed removes it; a failed run keeps what it left.
/// </summary>
/// <remarks>
/// <c>TMPDIR</c> is what .NET, Python and Node read on Linux and macOS; on Windows (TEMP) the run keeps the user's
/// temp folder. Set only from <see cref="LeakCheckingTestFramework"/>, once per test assembly.
/// </remarks>
public static class RunTempDirectory
{
    private const string Variable = "TMPDIR";

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
        if (!OperatingSystem.IsWindows())
        {
            // Others may pass through (not list): a test starts the published serve as the image's own user, which
            // must reach its folder in here.
            File.SetUnixFileMode(Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }

        Environment.SetEnvironmentVariable(Variable, Path);
    }

    /// <summary>What the tests left in the run's folder: the names of its top-level entries.</summary>
    public static IReadOnlyList<string> Leftovers()
    {
        if (Path is null || !Directory.Exists(Path))
        {
            return [];
        }

        return [.. Directory.EnumerateFileSystemEntries(Path).Select(entry => System.IO.Path.GetFileName(entry)).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Gives the process its previous temp directory back and removes the run's folder: always after a run that
    /// passed, after a failed one only when the tests left nothing in it to look at.
    /// </summary>
    public static void Leave(bool passed)
    {
        if (Path is null)
        {
            return;
        }

        bool remove = passed || Leftovers().Count == 0;
        Environment.SetEnvironmentVariable(Variable, s_previous);
        if (remove)
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // A process the tests started (an emulator) still writes in it as the run ends: what stays is only
                // this run's, and scripts/test.sh removes its whole temp root after a green run.
            }
        }
    }
}
