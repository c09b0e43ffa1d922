using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using KvReplicator.Testing;

namespace KvReplicator.IntegrationTests.Deploy;

/// <summary>
/// A published directory started the way the container runtime starts the image: the ENTRYPOINT's command line
/// in the WORKDIR, with nothing in the environment but what is given, and, when the test runs as root (CI, this
/// machine), as the image's non-root USER through <c>setpriv</c>, so that read-only files really are read-only
/// to it.
/// </summary>
[SupportedOSPlatform("linux")]
internal sealed class ContainerProcess : IAsyncDisposable
{
    private const int SigTerm = 15;

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private ContainerProcess(Process process)
    {
        _process = process;
    }

    /// <summary>What the process wrote on stdout and stderr so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Whether the process runs as the image's user rather than as the test's.</summary>
    public static bool RunsAsImageUser(ServeImageDefinition image) =>
        Environment.UserName == "root" && File.Exists("/usr/bin/setpriv") && int.TryParse(image.User, out _);

    public static ContainerProcess Start(ServeImageDefinition image, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        string dotnet = PublishedServeTests.DotnetHost();
        var start = new ProcessStartInfo
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (RunsAsImageUser(image))
        {
            start.FileName = "/usr/bin/setpriv";
            foreach (string argument in (string[])[$"--reuid={image.User}", $"--regid={image.User}", "--clear-groups", "--", dotnet])
            {
                start.ArgumentList.Add(argument);
            }
        }
        else
        {
            start.FileName = dotnet;
        }

        foreach (string argument in image.Entrypoint.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Clear();
        foreach ((string name, string value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var container = new ContainerProcess(process);
        process.OutputDataReceived += (_, line) => container.Append(line.Data);
        process.ErrorDataReceived += (_, line) => container.Append(line.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return container;
    }

    /// <summary>Polls the readiness endpoint as a kubelet would, failing early with the output if the process exits.</summary>
    public async Task WaitUntilReadyAsync(Uri readiness, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            Assert.False(_process.HasExited, $"serve exited with {(_process.HasExited ? _process.ExitCode : 0)} before it was ready:\n{Output}");
            try
            {
                using HttpResponseMessage response = await http.GetAsync(readiness, deadline.Token);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!deadline.IsCancellationRequested)
            {
                // One slow probe; the next one decides.
            }

            Assert.False(deadline.IsCancellationRequested, $"{readiness} did not answer 200 within {timeout}:\n{Output}");
            await Task.Delay(TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }
    }

    /// <summary>Sends SIGTERM, as a container runtime does to stop it, and returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        Assert.Equal(0, Kill(_process.Id, SigTerm));
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        SecretLeakGuard.Capture("published serve", line);
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
