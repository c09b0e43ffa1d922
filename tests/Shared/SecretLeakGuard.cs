using System.Collections.Concurrent;
using System.Runtime.ExceptionServices;
using System.Text;

namespace KvReplicator.Testing;

/// <summary>
/// One guard for the whole test run: tests register every secret value they create; everything the run
/// says — log entries (<see cref="CapturedLogs"/>), console output (host loggers), <c>kvrep</c> output the
/// tests capture, the messages of exceptions our code throws, and the telemetry it exports (spans and metric
/// tags, <see cref="ExportedTelemetry"/>) — is kept; after the last test,
/// <see cref="SecretLeakCheck"/> fails the run if any registered value appears anywhere, or if a PEM private
/// key (the Roles Anywhere key) was left in the run's temp directory (<see cref="RunTempDirectory"/>).
/// </summary>
public static class SecretLeakGuard
{
    /// <summary>Shorter values ("one", "second") are ordinary words of log text: finding them would prove nothing.</summary>
    public const int MinimumLength = 8;

    private static readonly ConcurrentDictionary<string, byte> s_values = new(StringComparer.Ordinal);
    private static readonly ConcurrentQueue<(string Source, string Text)> s_captured = new();
    private static readonly Lock s_installGate = new();
    private static bool s_installed;
    private static TextWriter? s_originalOut;
    private static TextWriter? s_originalError;

    /// <summary>Registers a value a test stores as a secret, and returns it, so tests can wrap literals.</summary>
    public static string Register(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Trim().Length >= MinimumLength)
        {
            s_values.TryAdd(value, 0);
        }

        return value;
    }

    /// <summary>Keeps text the run produced (a log entry, a command's output) for the final check.</summary>
    public static void Capture(string source, string? text)
    {
        if (!string.IsNullOrEmpty(text))
        {
            s_captured.Enqueue((source, text));
        }
    }

    /// <summary>Starts capturing the console, exception messages and telemetry; called once, before the first test.</summary>
    public static void Install()
    {
        lock (s_installGate)
        {
            if (s_installed)
            {
                return;
            }

            s_installed = true;
            s_originalOut = Console.Out;
            s_originalError = Console.Error;
            Console.SetOut(new CapturingTextWriter(s_originalOut, "console"));
            Console.SetError(new CapturingTextWriter(s_originalError, "stderr"));
            AppDomain.CurrentDomain.FirstChanceException += CaptureException;
            ExportedTelemetry.Start();
        }
    }

    /// <summary>Every captured text that contains a registered value: where it came from and an excerpt without the value.</summary>
    public static IReadOnlyList<string> FindLeaks()
    {
        ExportedTelemetry.Flush();
        var leaks = new List<string>();
        string[] values = [.. s_values.Keys];
        foreach ((string source, string text) in s_captured)
        {
            foreach (string value in values)
            {
                int at = text.IndexOf(value, StringComparison.Ordinal);
                if (at >= 0)
                {
                    // The report must not leak the value it found.
                    string excerpt = text[..Math.Min(at, 160)].ReplaceLineEndings(" ");
                    leaks.Add($"{source}: a secret value of {value.Length} characters follows \"{excerpt}\"");
                    break;
                }
            }
        }

        return leaks;
    }

    /// <summary>
    /// PEM private keys left in the run's temp directory (a Roles Anywhere key written for a signing helper and
    /// not deleted). Everything in that folder is this run's, so other processes' files are never opened.
    /// </summary>
    public static IReadOnlyList<string> FindPrivateKeysOnDisk()
    {
        var found = new List<string>();
        if (RunTempDirectory.Path is not { } root || !Directory.Exists(root))
        {
            return found;
        }

        var options = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = FileAttributes.ReparsePoint };
        foreach (string path in Directory.EnumerateFiles(root, "*", options))
        {
            try
            {
                var file = new FileInfo(path);
                // Length 0 also covers pipes and sockets (the runtime's debugger FIFOs of the processes the tests
                // start), whose opening would block until a writer comes; an empty file holds no key anyway.
                if (file.Length == 0 || file.Length > 1024 * 1024)
                {
                    continue;
                }

                if (File.ReadAllText(path).Contains("PRIVATE KEY-----", StringComparison.Ordinal))
                {
                    found.Add(path);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Deleted meanwhile by the process that wrote it.
            }
        }

        return found;
    }

    public static int CapturedCount => s_captured.Count;

    public static int RegisteredCount => s_values.Count;

    private static void CaptureException(object? sender, FirstChanceExceptionEventArgs args)
    {
        // Only the types whose messages our code builds: SDK exceptions may carry response bodies that are
        // never surfaced, and our code is what must sanitise them before they reach a log. (The throwing
        // method is not looked up: reflection inside a first-chance handler can stall a process at exit.)
        Exception exception = args.Exception;
        if (exception.GetType().Namespace?.StartsWith("KvReplicator", StringComparison.Ordinal) == true)
        {
            Capture($"exception {exception.GetType().Name}", exception.Message);
        }
    }

    /// <summary>Stops capturing once the check has run, so nothing of the guard is left for the process's exit.</summary>
    public static void Uninstall()
    {
        lock (s_installGate)
        {
            if (!s_installed)
            {
                return;
            }

            s_installed = false;
            AppDomain.CurrentDomain.FirstChanceException -= CaptureException;
            ExportedTelemetry.Stop();
            Console.SetOut(s_originalOut!);
            Console.SetError(s_originalError!);
        }
    }

    private sealed class CapturingTextWriter(TextWriter inner, string source) : TextWriter
    {
        public override Encoding Encoding => inner.Encoding;

        public override void Write(char value)
        {
            inner.Write(value);
            Capture(source, value.ToString());
        }

        public override void Write(string? value)
        {
            inner.Write(value);
            Capture(source, value);
        }

        public override void WriteLine(string? value)
        {
            inner.WriteLine(value);
            Capture(source, value);
        }

        public override void Write(char[] buffer, int index, int count)
        {
            inner.Write(buffer, index, count);
            Capture(source, new string(buffer, index, count));
        }

        public override void Flush() => inner.Flush();
    }
}
