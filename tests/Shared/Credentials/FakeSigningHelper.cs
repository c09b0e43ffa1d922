namespace KvReplicator.Testing.Credentials;

/// <summary>
/// A bash script standing in for <c>aws_signing_helper</c>. Before it does what the test asks, it records
/// into its own directory that it ran, its arguments, and the permissions (<c>stat -c %a</c>) of the
/// directory and files it was given, so a test can check them after the run.
/// </summary>
internal sealed class FakeSigningHelper : IDisposable
{
    private const string Preamble = """
        #!/usr/bin/env bash
        set -u
        report="__REPORT__"
        echo run >> "$report/runs"
        printf '%s\n' "$@" > "$report/args"
        cert=""; key=""; chain=""
        while [ $# -gt 0 ]; do
          case "$1" in
            --certificate) cert="$2"; shift 2 ;;
            --private-key) key="$2"; shift 2 ;;
            --intermediates) chain="$2"; shift 2 ;;
            *) shift ;;
          esac
        done
        stat -c '%a %n' "$(dirname "$key")" "$cert" "$key" ${chain:+"$chain"} > "$report/modes"
        printf '%s\n' "$(dirname "$key")" "$cert" "$key" ${chain:+"$chain"} > "$report/paths"

        """;

    private readonly DirectoryInfo _directory;

    private FakeSigningHelper(DirectoryInfo directory, string path)
    {
        _directory = directory;
        Path = path;
    }

    public string Path { get; }

    public int Runs => File.Exists(Report("runs")) ? File.ReadAllLines(Report("runs")).Length : 0;

    public IReadOnlyList<string> Arguments => File.ReadAllLines(Report("args"));

    /// <summary>Lines of <c>mode path</c> for the directory, certificate, key and chain, as seen during the run.</summary>
    public IReadOnlyList<string> Modes => File.ReadAllLines(Report("modes"));

    /// <summary>The directory and files the run was given.</summary>
    public IReadOnlyList<string> Paths => File.ReadAllLines(Report("paths"));

    public static FakeSigningHelper Printing(string json) => Create($"cat <<'JSON'\n{json}\nJSON\n");

    public static FakeSigningHelper Create(string behaviour)
    {
        DirectoryInfo directory = Directory.CreateTempSubdirectory("kvrep-test-fake-helper-");
        string path = System.IO.Path.Combine(directory.FullName, "aws_signing_helper");
        File.WriteAllText(path, Preamble.Replace("__REPORT__", directory.FullName, StringComparison.Ordinal) + behaviour + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return new FakeSigningHelper(directory, path);
    }

    public static string CredentialJson(DateTimeOffset expiration, int version = 1, string sessionToken = "\"helper-token\"") =>
        $$"""{"Version":{{version}},"AccessKeyId":"ASIAHELPER","SecretAccessKey":"helper-secret","SessionToken":{{sessionToken}},"Expiration":"{{expiration.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'}}"}""";

    /// <summary>Kills the background process a script recorded in <c>$report/orphan</c>, if any.</summary>
    public void EndOrphan()
    {
        if (File.Exists(Report("orphan")) && int.TryParse(File.ReadAllText(Report("orphan")).Trim(), out int id))
        {
            try
            {
                using var orphan = System.Diagnostics.Process.GetProcessById(id);
                orphan.Kill();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private string Report(string name) => System.IO.Path.Combine(_directory.FullName, name);
}
