namespace KvReplicator.Credentials;

/// <summary>The PEM texts of the Roles Anywhere certificate, its private key and its intermediates.</summary>
internal sealed record RolesAnywhereCertificateMaterial(string CertificatePem, SecretValue PrivateKeyPem, string? ChainPem);
