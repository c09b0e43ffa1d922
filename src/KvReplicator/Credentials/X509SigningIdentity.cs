using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KvReplicator.Replication;

namespace KvReplicator.Credentials;

/// <summary>
/// A Roles Anywhere end-entity certificate with its private key (RSA or EC) held in memory, and the
/// intermediates that chain it to the trust anchor.
/// </summary>
internal sealed class X509SigningIdentity : IDisposable
{
    public const string RsaAlgorithm = "AWS4-X509-RSA-SHA256";
    public const string EcdsaAlgorithm = "AWS4-X509-ECDSA-SHA256";

    private readonly RSA? _rsa;
    private readonly ECDsa? _ecdsa;

    private X509SigningIdentity(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> intermediates)
    {
        Certificate = certificate;
        Intermediates = intermediates;
        _rsa = certificate.GetRSAPrivateKey();
        _ecdsa = _rsa is null ? certificate.GetECDsaPrivateKey() : null;
        if (_rsa is null && _ecdsa is null)
        {
            throw new CryptographicException("Roles Anywhere signs with RSA or EC keys only");
        }

        Algorithm = _rsa is not null ? RsaAlgorithm : EcdsaAlgorithm;
    }

    public X509Certificate2 Certificate { get; }

    public IReadOnlyList<X509Certificate2> Intermediates { get; }

    /// <summary><see cref="RsaAlgorithm"/> or <see cref="EcdsaAlgorithm"/>.</summary>
    public string Algorithm { get; }

    /// <summary>The certificate's serial number in decimal, as the Authorization header's credential names it.</summary>
    public string SerialNumberDecimal =>
        new BigInteger(Certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Builds the identity from PEM texts. The key is imported into memory only; a key that does not match
    /// the certificate is refused here rather than by AWS. Encrypted keys are not supported.
    /// </summary>
    public static X509SigningIdentity FromPem(string certificatePem, SecretValue privateKeyPem, string? chainPem)
    {
        ArgumentNullException.ThrowIfNull(certificatePem);
        ArgumentNullException.ThrowIfNull(privateKeyPem);
        X509Certificate2 certificate = X509Certificate2.CreateFromPem(certificatePem, privateKeyPem.Reveal());
        var intermediates = new List<X509Certificate2>();
        if (!string.IsNullOrWhiteSpace(chainPem))
        {
            var collection = new X509Certificate2Collection();
            collection.ImportFromPem(chainPem);
            intermediates.AddRange(collection);
        }

        return new X509SigningIdentity(certificate, intermediates);
    }

    /// <summary>
    /// Signs SHA-256 of <paramref name="data"/>: RSA with PKCS#1 v1.5 padding, ECDSA as a DER
    /// <c>Ecdsa-Sig-Value</c> (RFC 3279), the forms Roles Anywhere verifies.
    /// </summary>
    public byte[] Sign(byte[] data) => _rsa is not null
        ? _rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
        : _ecdsa!.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    public void Dispose()
    {
        _rsa?.Dispose();
        _ecdsa?.Dispose();
        Certificate.Dispose();
        foreach (X509Certificate2 intermediate in Intermediates)
        {
            intermediate.Dispose();
        }
    }
}
