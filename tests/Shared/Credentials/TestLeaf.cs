using System.Security.Cryptography.X509Certificates;
using KvReplicator.Replication;

namespace KvReplicator.Testing.Credentials;

/// <summary>A leaf certificate (public part only) and the PEM texts of it and its key.</summary>
internal sealed record TestLeaf(X509Certificate2 Certificate, string CertificatePem, SecretValue PrivateKeyPem);
