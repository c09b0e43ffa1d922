namespace KvReplicator.Testing.Credentials;

public enum TestKeyKind
{
    Rsa,
    P256,
    P384,
}
