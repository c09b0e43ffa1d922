namespace KvReplicator;

internal enum SourceReadStatus
{
    Found,
    Disabled,
    NotFound,

    /// <summary>
    /// The secret backs a Key Vault certificate (Key Vault manages it): its value is the certificate's private
    /// key, which must not leave Key Vault, so neither events nor sync replicate it.
    /// </summary>
    Managed,
}
