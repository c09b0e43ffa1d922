using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KvReplicator.Credentials;

/// <summary>
/// Signs a Roles Anywhere <c>CreateSession</c> request as the Roles Anywhere signing process specifies:
/// SigV4 canonicalisation, but an X.509 private key (RSA PKCS#1 v1.5 or ECDSA, both over SHA-256) instead
/// of the HMAC key chain, and the certificate and chain sent in <c>X-Amz-X509</c> headers.
/// </summary>
/// <remarks>
/// AWSSDK.Core's <c>AWS4Signer</c> cannot be reused: it derives an HMAC key from a secret access key (which
/// this request exists to obtain), and its canonicalisation helpers are protected. The request is always
/// the same shape (POST, five headers at most, a few query parameters, JSON body), so the canonical request is
/// written out here and pinned by a test against the documented rules. Where the documentation leaves a
/// choice, AWS's own <c>aws_signing_helper</c> decides, as the path AWS tests most: the ARNs travel in the
/// query string, the canonical URI is <c>/sessions</c> whatever path the endpoint has (a private endpoint
/// behind a path prefix is signed as the service will see it), and the serial is the certificate's signed
/// integer in decimal (Go's <c>big.Int</c>), negative serials included.
/// </remarks>
internal static class RolesAnywhereRequestSigner
{
    public const string ServiceName = "rolesanywhere";
    public const string ContentType = "application/json";
    public const string CanonicalUri = "/sessions";
    private const string Terminator = "aws4_request";

    /// <param name="identity">The certificate and key that sign.</param>
    /// <param name="endpoint">The service endpoint; a path it has is kept in the request but not in the canonical URI.</param>
    /// <param name="region">The signing scope's region.</param>
    /// <param name="query">Query parameters (the ARNs), in any order: they are sorted and encoded here.</param>
    /// <param name="body">The JSON body as it will be sent.</param>
    /// <param name="signingTime">The signature's date.</param>
    public static RolesAnywhereSignature Sign(
        X509SigningIdentity identity, Uri endpoint, string region, IReadOnlyCollection<KeyValuePair<string, string>> query, byte[] body, DateTimeOffset signingTime)
    {
        ArgumentNullException.ThrowIfNull(identity);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(region);
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(body);

        string canonicalQuery = CanonicalQuery(query);
        var requestUri = new Uri(
            endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/') + CanonicalUri + (canonicalQuery.Length == 0 ? string.Empty : "?" + canonicalQuery));
        string host = requestUri.IsDefaultPort ? requestUri.IdnHost : $"{requestUri.IdnHost}:{requestUri.Port.ToString(CultureInfo.InvariantCulture)}";
        DateTime utc = signingTime.UtcDateTime;
        string amzDate = utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        string scope = $"{utc.ToString("yyyyMMdd", CultureInfo.InvariantCulture)}/{region}/{ServiceName}/{Terminator}";
        string x509 = Convert.ToBase64String(identity.Certificate.RawData);
        string? x509Chain = identity.Intermediates.Count == 0
            ? null
            : string.Join(',', identity.Intermediates.Select(certificate => Convert.ToBase64String(certificate.RawData)));

        // Header names sorted by their lower-case form, as SigV4 requires; values carry no spaces to trim.
        var headers = new List<(string Name, string Value)>
        {
            ("content-type", ContentType),
            ("host", host),
            ("x-amz-date", amzDate),
            ("x-amz-x509", x509),
        };
        if (x509Chain is not null)
        {
            headers.Add(("x-amz-x509-chain", x509Chain));
        }

        string signedHeaders = string.Join(';', headers.Select(header => header.Name));
        var canonical = new StringBuilder();
        canonical.Append("POST\n");
        canonical.Append(CanonicalUri).Append('\n');
        canonical.Append(canonicalQuery).Append('\n');
        foreach ((string name, string value) in headers)
        {
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n');
        canonical.Append(signedHeaders).Append('\n');
        canonical.Append(Convert.ToHexStringLower(SHA256.HashData(body)));
        string canonicalRequest = canonical.ToString();

        string stringToSign = string.Join(
            '\n',
            identity.Algorithm,
            amzDate,
            scope,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest))));

        string signature = Convert.ToHexStringLower(identity.Sign(Encoding.UTF8.GetBytes(stringToSign)));
        string authorization =
            $"{identity.Algorithm} Credential={identity.SerialNumberDecimal}/{scope}, SignedHeaders={signedHeaders}, Signature={signature}";
        return new RolesAnywhereSignature(requestUri, host, amzDate, x509, x509Chain, canonicalRequest, stringToSign, authorization);
    }

    /// <summary>
    /// SigV4's canonical query: names and values percent-encoded as RFC 3986 unreserved-only (what
    /// <see cref="Uri.EscapeDataString"/> does, and Go's <c>url.Values.Encode</c> with spaces as <c>%20</c>),
    /// sorted by name, then value. The request sends exactly this string, so nothing is re-encoded on the way.
    /// </summary>
    internal static string CanonicalQuery(IEnumerable<KeyValuePair<string, string>> query) =>
        string.Join('&', query
            .Select(parameter => (Name: Uri.EscapeDataString(parameter.Key), Value: Uri.EscapeDataString(parameter.Value)))
            .OrderBy(parameter => parameter.Name, StringComparer.Ordinal)
            .ThenBy(parameter => parameter.Value, StringComparer.Ordinal)
            .Select(parameter => $"{parameter.Name}={parameter.Value}"));
}
