using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KvReplicator.KeyVault;

namespace KvReplicator.Tests.KeyVault;

public sealed class PinnedServerCertificateTests
{
    [Fact]
    public void Only_the_certificate_with_the_pinned_sha256_is_trusted_in_any_hex_case()
    {
        using X509Certificate2 pinned = SelfSigned("CN=pinned");
        using X509Certificate2 other = SelfSigned("CN=other");
        var pin = new PinnedServerCertificate(pinned.GetCertHashString(HashAlgorithmName.SHA256).ToLowerInvariant());

        Assert.True(pin.Matches(pinned));
        Assert.False(pin.Matches(other));
        Assert.False(pin.Matches(null));
    }

    private static X509Certificate2 SelfSigned(string subject)
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSelfSigned(now.AddDays(-1), now.AddDays(1));
    }
}
