using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KvReplicator.KeyVault;

/// <summary>
/// TLS trust in exactly one server certificate, named by its SHA-256, instead of the system's roots. It
/// exists for the local Key Vault stand-in's self-signed certificate; a real vault uses normal trust.
/// </summary>
internal sealed class PinnedServerCertificate
{
    private readonly string _sha256;

    public PinnedServerCertificate(string sha256Hex)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sha256Hex);
        _sha256 = sha256Hex;
    }

    public bool Matches(X509Certificate? certificate) =>
        certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), _sha256, StringComparison.OrdinalIgnoreCase);

    public SocketsHttpHandler CreateHandler() => new()
    {
        SslOptions = new SslClientAuthenticationOptions
        {
            // Chain and name errors are expected for a self-signed loopback certificate; the pin replaces both checks.
            RemoteCertificateValidationCallback = (_, certificate, _, _) => Matches(certificate),
        },
    };
}
