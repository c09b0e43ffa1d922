namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>
/// How <see cref="LocalKeyVault"/> answers reads of a secret's value while <see cref="LocalKeyVault.ReadFailure"/>
/// is set: as a misbehaving hop (a proxy, a firewall, a future API change) might, with an error that quotes the
/// very value the read was for. For tests of what the replicator says about such failures.
/// </summary>
public enum QuotedReadFailure
{
    /// <summary>Reads answer normally.</summary>
    None,

    /// <summary>400 <c>BadParameter</c> whose message quotes the version, value included.</summary>
    BadParameter,

    /// <summary>500 <c>InternalServerError</c> quoting the value: transient, so the SDK retries it first.</summary>
    InternalServerError,

    /// <summary>500 with a plain-text page (no JSON at all) quoting the value.</summary>
    NonJsonServerError,

    /// <summary>403 with the value as the error code, in the body and in <c>x-ms-error-code</c>, and in the message.</summary>
    ValueAsErrorCode,
}
