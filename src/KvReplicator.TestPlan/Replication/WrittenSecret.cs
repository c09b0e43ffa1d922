namespace KvReplicator.TestPlan.Replication;

/// <summary>A Key Vault secret the plan wrote and the Secrets Manager name it must reach; versions in write order.</summary>
public sealed class WrittenSecret(string name, string targetName)
{
    private readonly Lock _sync = new();
    private readonly List<WrittenVersion> _versions = [];
    private volatile bool _complete;

    public string Name { get; } = name;

    public string TargetName { get; } = targetName;

    public IReadOnlyList<WrittenVersion> Versions
    {
        get
        {
            lock (_sync)
            {
                return [.. _versions];
            }
        }
    }

    /// <summary>True once every planned version is written; until then the watcher cannot call it replicated.</summary>
    public bool WritingComplete => _complete;

    public WrittenVersion? Latest
    {
        get
        {
            lock (_sync)
            {
                return _versions.Count == 0 ? null : _versions[^1];
            }
        }
    }

    public void Add(WrittenVersion version)
    {
        lock (_sync)
        {
            _versions.Add(version);
        }
    }

    public void CompleteWriting() => _complete = true;
}
