using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using KvReplicator.Replication;

namespace KvReplicator.Testing.Credentials;

/// <summary>
/// A throw-away PKI made with <see cref="CertificateRequest"/>: a root (the trust anchor), an intermediate
/// and leaves for Roles Anywhere, exported as the PEM texts Key Vault would hold.
/// </summary>
internal sealed class TestCertificateAuthority : IDisposable
{
    private readonly ECDsa _rootKey;
    private readonly ECDsa _intermediateKey;

    public TestCertificateAuthority(DateTimeOffset now)
    {
        Now = now;
        _rootKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var rootRequest = new CertificateRequest("CN=kvrep test root", _rootKey, HashAlgorithmName.SHA256);
        AddCaExtensions(rootRequest);
        Root = rootRequest.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));

        _intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var intermediateRequest = new CertificateRequest("CN=kvrep test intermediate", _intermediateKey, HashAlgorithmName.SHA256);
        AddCaExtensions(intermediateRequest);
        using X509Certificate2 intermediate = intermediateRequest.Create(Root, now.AddDays(-1), now.AddYears(4), RandomSerial());
        Intermediate = intermediate.CopyWithPrivateKey(_intermediateKey);
    }

    public DateTimeOffset Now { get; }

    public X509Certificate2 Root { get; }

    public X509Certificate2 Intermediate { get; }

    public string ChainPem => Intermediate.ExportCertificatePem();

    /// <summary>A leaf with its key in the PEM form Key Vault would hold; issued by the intermediate unless <paramref name="issuedByRoot"/>.</summary>
    /// <param name="kind">The leaf's key.</param>
    /// <param name="issuedByRoot">Issued by the trust anchor itself rather than the intermediate.</param>
    /// <param name="keyFormat">pkcs8, or the key's own format (pkcs1 for RSA, sec1 for EC).</param>
    /// <param name="serial">
    /// A serial to encode as given, negative ones included (which RFC 5280 forbids, CAs have issued, and
    /// <see cref="CertificateRequest"/> will not write): the certificate is then re-signed with that serial.
    /// </param>
    public TestLeaf IssueLeaf(TestKeyKind kind, bool issuedByRoot = false, string keyFormat = "pkcs8", BigInteger? serial = null)
    {
        AsymmetricAlgorithm key = kind switch
        {
            TestKeyKind.Rsa => RSA.Create(2048),
            TestKeyKind.P256 => ECDsa.Create(ECCurve.NamedCurves.nistP256),
            _ => ECDsa.Create(ECCurve.NamedCurves.nistP384),
        };
        CertificateRequest request = key is RSA rsa
            ? new CertificateRequest("CN=kvrep test leaf", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest("CN=kvrep test leaf", (ECDsa)key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        X509Certificate2 issuer = issuedByRoot ? Root : Intermediate;
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuer, includeKeyIdentifier: true, includeIssuerAndSerial: false));

        // The CAs are EC; X509SignatureGenerator lets them sign an RSA leaf too.
        using X509Certificate2 certificate = request.Create(
            issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(issuedByRoot ? _rootKey : _intermediateKey), Now.AddDays(-1), Now.AddYears(1), RandomSerial());
        string keyPem = (key, keyFormat) switch
        {
            (_, "pkcs8") => key.ExportPkcs8PrivateKeyPem(),
            (RSA r, _) => r.ExportRSAPrivateKeyPem(),
            (ECDsa e, _) => e.ExportECPrivateKeyPem(),
            _ => throw new ArgumentOutOfRangeException(nameof(keyFormat)),
        };
        byte[] der = serial is { } forced ? WithSerial(certificate.RawData, forced, issuedByRoot ? _rootKey : _intermediateKey) : certificate.RawData;
        var leaf = new TestLeaf(X509CertificateLoader.LoadCertificate(der), PemEncoding.WriteString("CERTIFICATE", der), new SecretValue(keyPem));
        key.Dispose();
        return leaf;
    }

    /// <summary>The certificate with its TBS serial replaced by <paramref name="serial"/>, signed again by <paramref name="issuerKey"/> (ECDSA with SHA-256).</summary>
    private static byte[] WithSerial(byte[] certificate, BigInteger serial, ECDsa issuerKey)
    {
        AsnReader outer = new AsnReader(certificate, AsnEncodingRules.DER).ReadSequence();
        AsnReader tbs = outer.ReadSequence();
        ReadOnlyMemory<byte> signatureAlgorithm = outer.ReadEncodedValue();

        var tbsWriter = new AsnWriter(AsnEncodingRules.DER);
        using (tbsWriter.PushSequence())
        {
            tbsWriter.WriteEncodedValue(tbs.ReadEncodedValue().Span); // [0] version
            tbs.ReadInteger();
            tbsWriter.WriteInteger(serial);
            while (tbs.HasData)
            {
                tbsWriter.WriteEncodedValue(tbs.ReadEncodedValue().Span);
            }
        }

        byte[] tbsDer = tbsWriter.Encode();
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(tbsDer);
            writer.WriteEncodedValue(signatureAlgorithm.Span);
            writer.WriteBitString(issuerKey.SignData(tbsDer, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }

        return writer.Encode();
    }

    public void Dispose()
    {
        Root.Dispose();
        Intermediate.Dispose();
        _rootKey.Dispose();
        _intermediateKey.Dispose();
    }

    private static void AddCaExtensions(CertificateRequest request)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
    }

    // Positive and with the high bit of the second byte often set, so decimal rendering of large serials is exercised.
    private static byte[] RandomSerial()
    {
        byte[] serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        return serial;
    }
}
