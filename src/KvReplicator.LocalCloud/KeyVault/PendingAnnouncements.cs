namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>
/// Counts new-version announcements queued but not yet handed to every listener, so a test can wait until
/// the vault has told the local Event Grid everything instead of racing the vault's background announcer.
/// </summary>
internal sealed class PendingAnnouncements
{
    private readonly Lock _gate = new();
    private int _pending;
    private TaskCompletionSource _none = Completed();

    public void Add()
    {
        lock (_gate)
        {
            if (_pending++ == 0)
            {
                _none = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }
    }

    public void Done()
    {
        lock (_gate)
        {
            if (--_pending == 0)
            {
                _none.TrySetResult();
            }
        }
    }

    public Task WhenNoneAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _none.Task.WaitAsync(cancellationToken);
        }
    }

    private static TaskCompletionSource Completed()
    {
        var source = new TaskCompletionSource();
        source.SetResult();
        return source;
    }
}
