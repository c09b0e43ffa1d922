namespace KvReplicator;

// Public only because the unit tests' theories (public methods) take it as a parameter.
/// <summary>Which staging label a version is written with in the target.</summary>
public enum TargetVersionStage
{
    /// <summary>AWSCURRENT: the newest version. Secrets Manager moves AWSPREVIOUS to the version that held it.</summary>
    Current,

    /// <summary>AWSPREVIOUS: the newest version older than the current one, which rotation consumers fall back to.</summary>
    Previous,

    /// <summary>Neither: an older version, stored with the superseded label so that no version is lost.</summary>
    Superseded,
}
