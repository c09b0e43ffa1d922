using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace KvReplicator.LocalCloud.Emulators;

/// <summary>
/// A child process serving on a loopback port: started, awaited until the port accepts connections,
/// and killed with its children on dispose (or when this process exits, so nothing outlives a test run).
/// </summary>
public sealed class EmulatorProcess : IAsyncDisposable
{
    private const int OutputTailLines = 40;

    private readonly Process _process;
    private readonly Queue<string> _outputTail = new();
    private int _disposed;

    private EmulatorProcess(string name, Process process, int port)
    {
        Name = name;
        _process = process;
        Port = port;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Kill();
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>Starts <paramref name="fileName"/> and waits until it listens on <paramref name="port"/>.</summary>
    public static async Task<EmulatorProcess> StartAsync(
        string name,
        string fileName,
        IEnumerable<string> arguments,
        int port,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? startTimeout = null,
        CancellationToken cancellationToken = default)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach ((string key, string value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[key] = value;
        }

        Process process;
        try
        {
            process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{name} did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new EmulatorNotFoundException($"{name} could not be started from '{fileName}': {ex.Message}");
        }

        var emulator = new EmulatorProcess(name, process, port);
        process.OutputDataReceived += (_, e) => emulator.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => emulator.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await emulator.WaitUntilListeningAsync(startTimeout ?? TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await emulator.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return emulator;
    }

    /// <summary>The last lines the process printed, for error messages.</summary>
    public string OutputTail()
    {
        lock (_outputTail)
        {
            return string.Join(Environment.NewLine, _outputTail);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Killed but slow to be reaped; nothing more to do.
        }

        _process.Dispose();
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        DateTime deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode} before listening on port {Port}:{Environment.NewLine}{OutputTail()}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }

        throw new TimeoutException($"{Name} did not listen on port {Port} within {timeout.TotalSeconds:0} s:{Environment.NewLine}{OutputTail()}");
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_outputTail)
        {
            _outputTail.Enqueue(line);
            while (_outputTail.Count > OutputTailLines)
            {
                _outputTail.Dequeue();
            }
        }
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
