using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// <c>dotnet kvrep.dll serve</c> as a child process configured by its environment only, as a platform runs it:
/// a fresh replicator whose CPU time is read from <c>/proc/&lt;pid&gt;/stat</c>, apart from the bench's own.
/// </summary>
internal sealed class ReplicatorProcess : IAsyncDisposable
{
    /// <summary>The unit of utime and stime in /proc/&lt;pid&gt;/stat: USER_HZ, fixed at 100 by the Linux ABI.</summary>
    private const double ClockTicksPerSecond = 100;

    private const int KeptOutputLines = 40;

    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly Queue<string> _output = new();
    private readonly StreamWriter? _log;

    private ReplicatorProcess(Process process, long startedTimestamp, StreamWriter? log)
    {
        _process = process;
        StartedTimestamp = startedTimestamp;
        _log = log;
    }

    public int Id => _process.Id;

    /// <summary>The <see cref="Stopwatch"/> timestamp taken just before the process was started.</summary>
    public long StartedTimestamp { get; }

    /// <summary>The last lines the process wrote, for an error message when it dies or never becomes ready.</summary>
    public string RecentOutput
    {
        get
        {
            lock (_output)
            {
                return string.Join(Environment.NewLine, _output);
            }
        }
    }

    /// <param name="kvrepDll">The published <c>kvrep.dll</c> to run.</param>
    /// <param name="environment">Variables laid over the bench's environment (from which replicator, AWS and Azure settings are removed first).</param>
    /// <param name="logDirectory">Where to write everything the process prints (its log names secrets and versions, never values); null keeps only its last lines in memory.</param>
    public static ReplicatorProcess Start(string kvrepDll, IReadOnlyDictionary<string, string> environment, string? logDirectory = null)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = Path.GetDirectoryName(Path.GetFullPath(kvrepDll))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.GetFullPath(kvrepDll));
        start.ArgumentList.Add("serve");
        foreach (string name in start.Environment.Keys.Where(name => !IsInherited(name)).ToArray())
        {
            start.Environment.Remove(name);
        }

        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        long started = Stopwatch.GetTimestamp();
        process.Start();
        StreamWriter? log = logDirectory is null ? null : new StreamWriter(Path.Combine(Directory.CreateDirectory(logDirectory).FullName, $"kvrep-serve-{process.Id}.log")) { AutoFlush = true };
        var child = new ReplicatorProcess(process, started, log);
        process.OutputDataReceived += (_, line) => child.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => child.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Polls <c>/readyz</c> until it answers 200; returns the time from start to that answer.</summary>
    /// <exception cref="InvalidOperationException">The process exited or did not become ready within <paramref name="timeout"/>.</exception>
    public async Task<TimeSpan> WaitUntilReadyAsync(HttpClient client, Uri readyz, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        while (Stopwatch.GetElapsedTime(StartedTimestamp) < timeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"kvrep serve exited with code {_process.ExitCode} before it was ready:{Environment.NewLine}{RecentOutput}");
            }

            try
            {
                using HttpResponseMessage response = await client.GetAsync(readyz, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    return Stopwatch.GetElapsedTime(StartedTimestamp);
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            // Short, so that the cold-start figure is not rounded up by the polling.
            await Task.Delay(TimeSpan.FromMilliseconds(5), cancellationToken).ConfigureAwait(false);
        }

        throw new InvalidOperationException($"kvrep serve was not ready within {timeout.TotalSeconds:0} s:{Environment.NewLine}{RecentOutput}");
    }

    /// <summary>User plus system CPU time the process has used so far.</summary>
    public TimeSpan CpuTime()
    {
        if (!OperatingSystem.IsLinux())
        {
            return _process.TotalProcessorTime;
        }

        // The command name (field 2) is in parentheses and may hold spaces: count fields after its closing one.
        string stat = File.ReadAllText($"/proc/{_process.Id}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long userTicks = long.Parse(fields[11], CultureInfo.InvariantCulture); // field 14, utime
        long systemTicks = long.Parse(fields[12], CultureInfo.InvariantCulture); // field 15, stime
        return TimeSpan.FromSeconds((userTicks + systemTicks) / ClockTicksPerSecond);
    }

    /// <summary>
    /// Stops the process as a platform does, with SIGTERM (serve drains and exits, and the runtime removes its
    /// diagnostic pipes and socket from the temp directory); killed if it has not exited within 10 s.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited && OperatingSystem.IsLinux() && Kill(_process.Id, SigTerm) == 0)
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // It did not drain in time: killed below.
                }
            }

            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is InvalidOperationException or OperationCanceledException)
        {
            // Already gone, or it will be reaped with the bench.
        }
        finally
        {
            _process.Dispose();
            lock (_output)
            {
                _log?.Dispose();
            }
        }
    }

    /// <summary>Whether a variable of the bench's environment reaches the child: none that could configure the replicator or lend it credentials.</summary>
    private static bool IsInherited(string name) =>
        !name.StartsWith("KvReplicator__", StringComparison.OrdinalIgnoreCase)
        && !name.StartsWith("AWS_", StringComparison.OrdinalIgnoreCase)
        && !name.StartsWith("AZURE_", StringComparison.OrdinalIgnoreCase)
        && !name.StartsWith("IDENTITY_", StringComparison.OrdinalIgnoreCase)
        && !name.StartsWith("ASPNETCORE_", StringComparison.OrdinalIgnoreCase)
        && !name.StartsWith("DOTNET_EventPipe", StringComparison.OrdinalIgnoreCase);

    /// <summary>The <c>dotnet</c> host running the bench (or the one on the PATH when the bench runs from its apphost).</summary>
    private static string DotnetHost()
    {
        if (Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host)
        {
            return host;
        }

        string? self = Environment.ProcessPath;
        if (self is not null && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        string besideRuntime = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet"));
        return File.Exists(besideRuntime) ? besideRuntime : "dotnet";
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _log?.WriteLine(line);
            _output.Enqueue(line);
            if (_output.Count > KeptOutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
