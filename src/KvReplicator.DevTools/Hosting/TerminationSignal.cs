using System.Runtime.InteropServices;

namespace KvReplicator.DevTools.Hosting;

/// <summary>
/// Turns Ctrl-C and SIGTERM into a cancellation, so a command that started emulators and hosts unwinds through
/// its disposals instead of dying with them running. <c>kvrep</c> leaves signals to each command
/// (<c>ProcessTerminationTimeout = null</c>), and the emulators are also killed on process exit as a backstop.
/// </summary>
internal sealed class TerminationSignal : IDisposable
{
    private readonly CancellationTokenSource _cancellation;
    private readonly PosixSignalRegistration[] _registrations;

    public TerminationSignal(CancellationToken cancellationToken)
    {
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _registrations = [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)];
    }

    public CancellationToken Token => _cancellation.Token;

    public void Dispose()
    {
        foreach (PosixSignalRegistration registration in _registrations)
        {
            registration.Dispose();
        }

        _cancellation.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        // Keep the process alive long enough to stop what it started.
        context.Cancel = true;
        _cancellation.Cancel();
    }
}
