namespace KvReplicator.Tests.Credentials;

public enum TestKeyKind
{
    Rsa,
    P256,
    P384,
}
