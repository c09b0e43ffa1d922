namespace KvReplicator.DevTools.Chaos;

/// <summary>Where between its steps a simulated handler crash strikes.</summary>
public enum CrashStep
{
    /// <summary>The secret's lock (with the planned writes) is written; nothing else happened.</summary>
    AfterLock,

    /// <summary>The version was read from Key Vault; nothing was written.</summary>
    AfterRead,

    /// <summary>Secrets Manager accepted the write; the ledger does not know.</summary>
    AfterWrite,

    /// <summary>Everything is written but the ledger record.</summary>
    BeforeCommit,
}
