namespace KvReplicator.DevTools.Chaos;

/// <summary>Where between its steps a simulated handler crash strikes.</summary>
public enum CrashStep
{
    /// <summary>The ledger claim is written; nothing else happened.</summary>
    AfterClaim,

    /// <summary>The version was read from Key Vault; nothing was written.</summary>
    AfterRead,

    /// <summary>Secrets Manager accepted the write; the ledger does not know.</summary>
    AfterWrite,

    /// <summary>Everything is done but the commit.</summary>
    BeforeCommit,
}
