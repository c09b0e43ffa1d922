namespace KvReplicator.DevTools.Hosting;

/// <summary>Reports on the caller's thread; <see cref="Progress{T}"/> would queue reports behind the run it describes.</summary>
internal sealed class DirectProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
