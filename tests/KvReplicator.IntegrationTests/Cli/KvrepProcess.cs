using System.Diagnostics;
using System.Text;
using KvReplicator.Testing;

namespace KvReplicator.IntegrationTests.Cli;

/// <summary>
/// The built <c>kvrep</c> run as its own process, as an operator runs it from a shell: its real console, its real
/// signal handling, and only the environment given (the test host's own <c>KvReplicator__*</c> settings are removed).
/// </summary>
internal static class KvrepProcess
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    /// <param name="arguments">The verb and its options.</param>
    /// <param name="environment">Settings as environment variables (<c>KvReplicator__KeyVault__VaultUri</c>).</param>
    /// <param name="whileRunning">Runs once the process started, e.g. to send it a signal; the process is awaited after it.</param>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, Func<Process, Task>? whileRunning = null)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "kvrep.dll"));
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (string inherited in start.Environment.Keys.Where(key => key.StartsWith("KvReplicator__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(inherited);
        }

        foreach ((string key, string? value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        using var process = new Process { StartInfo = start };
        process.Start();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_timeout);
        try
        {
            if (whileRunning is not null)
            {
                await whileRunning(process);
            }

            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kvrep {string.Join(' ', start.ArgumentList.Skip(1))} did not finish within {s_timeout}.");
        }

        (string output, string error) = (await stdout, await stderr);
        SecretLeakGuard.Capture("kvrep process stdout", output);
        SecretLeakGuard.Capture("kvrep process stderr", error);
        return (process.ExitCode, output, error);
    }

    /// <summary>Flat <c>KvReplicator:…</c> settings as the environment variables that set them.</summary>
    public static Dictionary<string, string?> AsEnvironment(IEnumerable<KeyValuePair<string, string?>> settings) =>
        settings.ToDictionary(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal), setting => setting.Value);

    /// <summary>Asserts one line on stderr, starting as expected, and no frame of a stack trace.</summary>
    public static void AssertOneLine(string expectedStart, string stderr)
    {
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
        string line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith(expectedStart, line, StringComparison.Ordinal);
    }
}
