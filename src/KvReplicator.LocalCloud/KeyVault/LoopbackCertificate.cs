using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>A self-signed TLS server certificate for 127.0.0.1 and localhost, made in memory for one run.</summary>
internal static class LoopbackCertificate
{
    public static X509Certificate2 Create()
    {
        // The key lives only in this process: no file, no key store (on Linux and macOS).
        ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=KvReplicator local Key Vault", key, HashAlgorithmName.SHA256);
        var subjectAlternativeNames = new SubjectAlternativeNameBuilder();
        subjectAlternativeNames.AddIpAddress(IPAddress.Loopback);
        subjectAlternativeNames.AddDnsName("localhost");
        request.CertificateExtensions.Add(subjectAlternativeNames.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication")], false));

        // Real time, not the vault's TimeProvider: TLS peers judge validity by their own clocks.
        DateTimeOffset now = DateTimeOffset.UtcNow;
        X509Certificate2 certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));
        if (OperatingSystem.IsWindows())
        {
            // SChannel cannot use an ephemeral CNG key for a server; a PKCS#12 round trip gives it a usable one.
            byte[] pkcs12 = certificate.Export(X509ContentType.Pkcs12);
            certificate.Dispose();
            return X509CertificateLoader.LoadPkcs12(pkcs12, null);
        }

        return certificate;
    }
}
