namespace KvReplicator.Preflight;

/// <summary>Why a check failed, which decides what an operator does next (and <c>kvrep</c>'s exit code).</summary>
internal enum PreflightFailure
{
    /// <summary>The check passed, or was not run.</summary>
    None,

    /// <summary>A setting is missing, malformed or of the wrong type; nothing was called.</summary>
    Settings,

    /// <summary>The store did not answer, or answered that it is busy or broken: a later attempt may pass.</summary>
    Unavailable,

    /// <summary>
    /// The store answered and refused: TLS trust, the authentication challenge, credentials, a permission, or not
    /// the store the settings name. A setting or a role assignment must change.
    /// </summary>
    Refused,
}
