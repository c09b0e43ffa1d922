using System.Runtime.InteropServices;

namespace KvReplicator.Cli.Invocation;

/// <summary>
/// Turns Ctrl-C and SIGTERM into a cancellation, so a verb unwinds through its disposals and says in one line that
/// it was stopped, and a <c>kvrep-dev</c> command that started emulators and hosts stops them instead of dying with
/// them running. The parser's own handling is off (<c>ProcessTerminationTimeout = null</c>): it would cut the
/// unwinding short.
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
