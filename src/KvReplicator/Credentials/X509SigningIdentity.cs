using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

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

    /// <summary>
    /// The certificate's serial number in decimal, as the Authorization header's credential names it: the DER
    /// INTEGER read as the signed number it is, as AWS's helper prints it (Go's <c>big.Int</c>). RFC 5280 forbids
    /// negative serials, but CAs have issued them and the helper signs them with their sign.
    /// </summary>
    public string SerialNumberDecimal =>
        new BigInteger(Certificate.SerialNumberBytes.Span, isUnsigned: false, isBigEndian: true).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Builds the identity from PEM texts. The key is imported into memory only; a key that does not match
    /// the certificate is refused here rather than by AWS. Encrypted keys are not supported.
    /// </summary>
    /// <exception cref="FormatException">The chain is not PEM certificates (<see cref="ReadChain"/>).</exception>
    public static X509SigningIdentity FromPem(string certificatePem, SecretValue privateKeyPem, string? chainPem)
    {
        ArgumentNullException.ThrowIfNull(certificatePem);
        ArgumentNullException.ThrowIfNull(privateKeyPem);
        List<X509Certificate2> intermediates = ReadChain(chainPem);
        try
        {
            return new X509SigningIdentity(X509Certificate2.CreateFromPem(certificatePem, privateKeyPem.Reveal()), intermediates);
        }
        catch
        {
            intermediates.ForEach(certificate => certificate.Dispose());
            throw;
        }
    }

    /// <summary>
    /// The intermediates of a chain PEM, or none for an empty one. Anything else is refused rather than skipped
    /// (<see cref="X509Certificate2Collection.ImportFromPem"/> ignores what it cannot read, and a request sent
    /// without its chain fails at AWS with a bare 403): text outside BEGIN/END blocks, a block that is not a
    /// CERTIFICATE, a certificate that does not decode. The messages never quote the text.
    /// </summary>
    /// <exception cref="FormatException">Says which rule the text broke.</exception>
    public static List<X509Certificate2> ReadChain(string? chainPem)
    {
        var chain = new List<X509Certificate2>();
        if (string.IsNullOrWhiteSpace(chainPem))
        {
            return chain;
        }

        try
        {
            ReadOnlySpan<char> rest = chainPem;
            while (!rest.IsWhiteSpace())
            {
                if (!PemEncoding.TryFind(rest, out PemFields fields))
                {
                    throw new FormatException(chain.Count == 0
                        ? "unable to parse PEM data: no -----BEGIN CERTIFICATE----- block"
                        : $"unable to parse PEM data after certificate {chain.Count}");
                }

                if (!rest[..fields.Location.Start].IsWhiteSpace())
                {
                    throw new FormatException($"unable to parse PEM data: text that is not PEM before block {chain.Count + 1}");
                }

                ReadOnlySpan<char> label = rest[fields.Label][..Math.Min(fields.Label.GetOffsetAndLength(rest.Length).Length, 40)];
                if (!label.SequenceEqual("CERTIFICATE"))
                {
                    throw new FormatException($"block {chain.Count + 1} is a {label.ToString()}, not a CERTIFICATE");
                }

                try
                {
                    chain.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(rest[fields.Base64Data].ToString())));
                }
                catch (CryptographicException)
                {
                    throw new FormatException($"certificate {chain.Count + 1} does not decode as X.509");
                }

                rest = rest[fields.Location.End..];
            }

            return chain;
        }
        catch
        {
            chain.ForEach(certificate => certificate.Dispose());
            throw;
        }
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
