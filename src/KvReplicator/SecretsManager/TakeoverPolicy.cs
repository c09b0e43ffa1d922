namespace KvReplicator.SecretsManager;

/// <summary>What a target does with a secret that exists under its name but is not ours.</summary>
internal enum TakeoverPolicy
{
    /// <summary>Write nothing and fail the version with <see cref="TargetErrorCodes.ForeignSecret"/>.</summary>
    Refuse,

    /// <summary>Tag it as ours and write the version.</summary>
    Adopt,

    /// <summary>Adopt it only when its current value equals the version being written; refuse otherwise.</summary>
    AdoptIfEqual,
}
