using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using KvReplicator.Credentials;
using KvReplicator.Replication;

namespace KvReplicator.Tests.Credentials;

/// <summary>
/// Pins the canonical request and string to sign for fixed inputs, written out by hand from the IAM Roles
/// Anywhere signing process (SigV4 canonical form; <c>AWS4-X509-ECDSA-SHA256</c>; scope
/// <c>date/region/rolesanywhere/aws4_request</c>) and from what AWS's <c>aws_signing_helper</c> sends (the ARNs
/// in the query string, canonical URI <c>/sessions</c>, the serial as a signed decimal). The hashes were
/// computed outside this code base (Python's hashlib and urllib.parse.quote with no safe characters).
/// </summary>
public sealed class RolesAnywhereRequestSignerTests
{
    // A P-256 key and a self-signed certificate with serial 0x0123456789ABCDEF, made once with openssl.
    private const string FixedKeyPem = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgOiIXenwH7jpJNoYT
        jKZ2Cd1zyEqBYaLfoG3DdznP3MmhRANCAAS4WMARczQrG6MVAlT/jkdP8Lz5kTQR
        6AcGDYbjedvljFV4q1DIfKyv5t4/7NKFArQ0tTOjyzHo3Y1AOBcTV2/3
        -----END PRIVATE KEY-----
        """;

    private const string FixedCertificatePem = """
        -----BEGIN CERTIFICATE-----
        MIIBjjCCATWgAwIBAgIIASNFZ4mrze8wCgYIKoZIzj0EAwIwIjEgMB4GA1UEAwwX
        a3ZyZXBsaWNhdG9yLWZpeGVkLXRlc3QwIBcNMjYxMTIzMDI0ODM3WhgPMjEyNjEw
        MzAwMjQ4MzdaMCIxIDAeBgNVBAMMF2t2cmVwbGljYXRvci1maXhlZC10ZXN0MFkw
        EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEuFjAEXM0KxujFQJU/45HT/C8+ZE0EegH
        Bg2G43nb5YxVeKtQyHysr+beP+zShQK0NLUzo8sx6N2NQDgXE1dv96NTMFEwHQYD
        VR0OBBYEFMvOZpOZmia+CCcOxZ8huX6sVL43MB8GA1UdIwQYMBaAFMvOZpOZmia+
        CCcOxZ8huX6sVL43MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIg
        DjKusW+ek1ym5cwI12y6S0tf+1CqvH2JVBuBcIzG0y0CIDzrxbL39xp5OT4RfuSz
        nFAAbXavwCn/jo3xf3Ix5K4J
        -----END CERTIFICATE-----
        """;

    private const string CertificateBase64 =
        "MIIBjjCCATWgAwIBAgIIASNFZ4mrze8wCgYIKoZIzj0EAwIwIjEgMB4GA1UEAwwXa3ZyZXBsaWNhdG9yLWZpeGVkLXRlc3QwIBcNMjYxMTIzMDI0ODM3WhgPMjEyNjEwMzAwMjQ4MzdaMCIxIDAeBgNVBAMMF2t2cmVwbGljYXRvci1maXhlZC10ZXN0MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEuFjAEXM0KxujFQJU/45HT/C8+ZE0EegHBg2G43nb5YxVeKtQyHysr+beP+zShQK0NLUzo8sx6N2NQDgXE1dv96NTMFEwHQYDVR0OBBYEFMvOZpOZmia+CCcOxZ8huX6sVL43MB8GA1UdIwQYMBaAFMvOZpOZmia+CCcOxZ8huX6sVL43MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIgDjKusW+ek1ym5cwI12y6S0tf+1CqvH2JVBuBcIzG0y0CIDzrxbL39xp5OT4RfuSznFAAbXavwCn/jo3xf3Ix5K4J";

    private const string Body = """{"durationSeconds":3600}""";

    private const string CanonicalQuery =
        "profileArn=arn%3Aaws%3Arolesanywhere%3Aeu-west-1%3A123456789012%3Aprofile%2F11111111-2222-3333-4444-555555555555" +
        "&roleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fkvreplicator" +
        "&trustAnchorArn=arn%3Aaws%3Arolesanywhere%3Aeu-west-1%3A123456789012%3Atrust-anchor%2F66666666-7777-8888-9999-000000000000";

    // Out of order on purpose: the signer sorts.
    private static readonly KeyValuePair<string, string>[] s_query =
    [
        new("trustAnchorArn", "arn:aws:rolesanywhere:eu-west-1:123456789012:trust-anchor/66666666-7777-8888-9999-000000000000"),
        new("profileArn", "arn:aws:rolesanywhere:eu-west-1:123456789012:profile/11111111-2222-3333-4444-555555555555"),
        new("roleArn", "arn:aws:iam::123456789012:role/kvreplicator"),
    ];

    private static readonly DateTimeOffset s_signingTime = new(2026, 11, 23, 12, 34, 56, TimeSpan.Zero);
    private static readonly Uri s_endpoint = new("https://rolesanywhere.eu-west-1.amazonaws.com");

    [Fact]
    public void Canonical_request_and_string_to_sign_follow_the_documented_rules()
    {
        using X509SigningIdentity identity = X509SigningIdentity.FromPem(FixedCertificatePem, new SecretValue(FixedKeyPem), chainPem: null);

        RolesAnywhereSignature signature = RolesAnywhereRequestSigner.Sign(identity, s_endpoint, "eu-west-1", s_query, Encoding.UTF8.GetBytes(Body), s_signingTime);

        Assert.Equal(
            "POST\n" +
            "/sessions\n" +
            CanonicalQuery + "\n" +
            "content-type:application/json\n" +
            "host:rolesanywhere.eu-west-1.amazonaws.com\n" +
            "x-amz-date:20261123T123456Z\n" +
            "x-amz-x509:" + CertificateBase64 + "\n" +
            "\n" +
            "content-type;host;x-amz-date;x-amz-x509\n" +
            "1a15f67f6619aa540b13e9a4c37d149fb2c9bdea25d82b73a3878826694dfe27",
            signature.CanonicalRequest);
        Assert.Equal(
            "AWS4-X509-ECDSA-SHA256\n" +
            "20261123T123456Z\n" +
            "20261123/eu-west-1/rolesanywhere/aws4_request\n" +
            "8e0eee4650daa252d8648215dd77d765c3f5ba0fcb4f212d914d35f6049ad05d",
            signature.StringToSign);
        Assert.StartsWith(
            "AWS4-X509-ECDSA-SHA256 Credential=81985529216486895/20261123/eu-west-1/rolesanywhere/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-x509, Signature=",
            signature.Authorization);
        Assert.Equal(CertificateBase64, signature.X509);
        Assert.Equal("20261123T123456Z", signature.AmzDate);
        Assert.Equal("https://rolesanywhere.eu-west-1.amazonaws.com/sessions?" + CanonicalQuery, signature.RequestUri.AbsoluteUri);
    }

    [Fact]
    public void A_chain_is_sent_comma_separated_and_signed_after_the_leaf()
    {
        using X509SigningIdentity identity = X509SigningIdentity.FromPem(FixedCertificatePem, new SecretValue(FixedKeyPem), FixedCertificatePem + "\n" + FixedCertificatePem);

        RolesAnywhereSignature signature = RolesAnywhereRequestSigner.Sign(identity, s_endpoint, "eu-west-1", s_query, Encoding.UTF8.GetBytes(Body), s_signingTime);

        Assert.Equal(
            "POST\n" +
            "/sessions\n" +
            CanonicalQuery + "\n" +
            "content-type:application/json\n" +
            "host:rolesanywhere.eu-west-1.amazonaws.com\n" +
            "x-amz-date:20261123T123456Z\n" +
            "x-amz-x509:" + CertificateBase64 + "\n" +
            "x-amz-x509-chain:" + CertificateBase64 + "," + CertificateBase64 + "\n" +
            "\n" +
            "content-type;host;x-amz-date;x-amz-x509;x-amz-x509-chain\n" +
            "1a15f67f6619aa540b13e9a4c37d149fb2c9bdea25d82b73a3878826694dfe27",
            signature.CanonicalRequest);
        Assert.EndsWith("\n65c3376405ed61943214ed9a2dc0f7c3790908e807f7c6e64dd93f1df29308ed", signature.StringToSign);
        Assert.Contains("SignedHeaders=content-type;host;x-amz-date;x-amz-x509;x-amz-x509-chain,", signature.Authorization);
    }

    [Fact]
    public void The_signature_is_a_DER_ECDSA_signature_of_the_string_to_sign_that_the_certificate_verifies()
    {
        using X509SigningIdentity identity = X509SigningIdentity.FromPem(FixedCertificatePem, new SecretValue(FixedKeyPem), chainPem: null);
        using X509Certificate2 certificate = X509Certificate2.CreateFromPem(FixedCertificatePem);

        RolesAnywhereSignature signature = RolesAnywhereRequestSigner.Sign(identity, s_endpoint, "eu-west-1", s_query, Encoding.UTF8.GetBytes(Body), s_signingTime);

        byte[] signatureBytes = Convert.FromHexString(signature.Authorization[(signature.Authorization.LastIndexOf('=') + 1)..]);
        Assert.Equal(0x30, signatureBytes[0]); // an ASN.1 SEQUENCE of r and s, not the raw r||s form
        using ECDsa publicKey = certificate.GetECDsaPublicKey()!;
        Assert.True(publicKey.VerifyData(Encoding.UTF8.GetBytes(signature.StringToSign), signatureBytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void A_non_default_port_is_part_of_the_signed_host()
    {
        using X509SigningIdentity identity = X509SigningIdentity.FromPem(FixedCertificatePem, new SecretValue(FixedKeyPem), chainPem: null);

        RolesAnywhereSignature signature = RolesAnywhereRequestSigner.Sign(identity, new Uri("http://127.0.0.1:8443/"), "eu-west-1", s_query, Encoding.UTF8.GetBytes(Body), s_signingTime);

        Assert.Equal("127.0.0.1:8443", signature.Host);
        Assert.Contains("\nhost:127.0.0.1:8443\n", signature.CanonicalRequest);
        Assert.Equal("/sessions", signature.RequestUri.AbsolutePath);
    }

    [Theory]
    [InlineData("https://vpce-0a1b.rolesanywhere.eu-west-1.vpce.amazonaws.com/prefix")]
    [InlineData("https://proxy.example/prefix/deeper/")]
    public void The_canonical_uri_is_sessions_whatever_path_the_endpoint_has_while_the_request_keeps_the_path(string endpoint)
    {
        using X509SigningIdentity identity = X509SigningIdentity.FromPem(FixedCertificatePem, new SecretValue(FixedKeyPem), chainPem: null);

        RolesAnywhereSignature signature = RolesAnywhereRequestSigner.Sign(identity, new Uri(endpoint), "eu-west-1", s_query, Encoding.UTF8.GetBytes(Body), s_signingTime);

        Assert.StartsWith("POST\n/sessions\n" + CanonicalQuery + "\n", signature.CanonicalRequest, StringComparison.Ordinal);
        Assert.Equal(new Uri(endpoint).AbsolutePath.TrimEnd('/') + "/sessions", signature.RequestUri.AbsolutePath);
        Assert.Equal(CanonicalQuery, signature.RequestUri.Query[1..]);
    }

    [Fact]
    public void Query_names_and_values_are_encoded_as_RFC_3986_unreserved_only_and_sorted_by_name_then_value()
    {
        string query = RolesAnywhereRequestSigner.CanonicalQuery(
        [
            new("roleArn", "arn:aws:iam::123456789012:role/path/kv+rep=1,2@x y~z_.-"),
            new("b", "2"),
            new("b", "1"),
        ]);

        Assert.Equal("b=1&b=2&roleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fpath%2Fkv%2Brep%3D1%2C2%40x%20y~z_.-", query);
    }
}
