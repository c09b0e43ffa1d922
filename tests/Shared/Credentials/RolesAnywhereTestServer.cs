using System.Collections.Concurrent;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Hosting;

namespace KvReplicator.Testing.Credentials;

/// <summary>
/// An in-memory IAM Roles Anywhere <c>CreateSession</c> that authenticates requests the way the Roles
/// Anywhere signing process describes, independently of the code under test: it rebuilds the canonical
/// request from what it received, checks the credential scope, date and certificate serial, verifies the
/// signature with the public key of the certificate in <c>X-Amz-X509</c>, and chains that certificate
/// through <c>X-Amz-X509-Chain</c> to its trust anchor. Then it issues a session.
/// </summary>
/// <remarks>
/// It holds requests to what AWS's <c>aws_signing_helper</c> sends: the three ARNs as query parameters (and
/// nowhere else), the canonical URI <c>/sessions</c> (the service's own path, whatever prefix a private endpoint
/// put before it), the canonical query re-encoded from the parsed parameters (RFC 3986, sorted), and the serial
/// as the certificate's signed integer in decimal (Go's <c>big.Int.String</c>, which prints a negative serial
/// with its sign). Its refusals carry AWS's error shape: <c>x-amzn-ErrorType</c> and <c>{"message": …}</c>.
/// </remarks>
internal sealed partial class RolesAnywhereTestServer : IAsyncDisposable
{
    private static readonly TimeSpan s_allowedSkew = TimeSpan.FromMinutes(5);

    private readonly IHost _host;
    private readonly X509Certificate2 _trustAnchor;
    private readonly string _region;
    private readonly TimeProvider _clock;
    private int _sessionsIssued;

    private RolesAnywhereTestServer(IHost host, X509Certificate2 trustAnchor, string region, TimeProvider clock)
    {
        _host = host;
        _trustAnchor = trustAnchor;
        _region = region;
        _clock = clock;
    }

    public ConcurrentQueue<string> Rejections { get; } = new();

    public int SessionsIssued => Volatile.Read(ref _sessionsIssued);

    public Uri Endpoint => _host.GetTestServer().BaseAddress;

    public static async Task<RolesAnywhereTestServer> StartAsync(X509Certificate2 trustAnchor, string region, TimeProvider clock)
    {
        RolesAnywhereTestServer? server = null;
        IHost host = await new HostBuilder()
            .ConfigureWebHost(web => web.UseTestServer().Configure(app => app.Run(context => server!.HandleAsync(context))))
            .StartAsync();
        server = new RolesAnywhereTestServer(host, trustAnchor, region, clock);
        return server;
    }

    /// <summary>A handler that sends requests to this in-memory server, for an <c>IHttpClientFactory</c> client.</summary>
    public HttpMessageHandler CreateHandler() => _host.GetTestServer().CreateHandler();

    /// <summary>A client whose requests pass through <paramref name="tamper"/> (if any) after they were signed.</summary>
    public HttpClient CreateClient(Func<HttpRequestMessage, Task>? tamper = null)
    {
        HttpMessageHandler handler = _host.GetTestServer().CreateHandler();
        return new HttpClient(tamper is null ? handler : new TamperingHandler(tamper) { InnerHandler = handler });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        byte[] body = buffer.ToArray();
        string? rejection = Authenticate(context.Request, body);
        if (rejection is not null)
        {
            Rejections.Enqueue(rejection);
            context.Response.StatusCode = 403;
            context.Response.Headers["x-amzn-ErrorType"] = "AccessDeniedException:http://internal.amazon.com/coral/com.amazonaws.rolesanywhere/";
            await context.Response.WriteAsJsonAsync(new { message = rejection });
            return;
        }

        using JsonDocument request = JsonDocument.Parse(body);
        int duration = request.RootElement.GetProperty("durationSeconds").GetInt32();
        string roleArn = context.Request.Query["roleArn"].ToString();
        Interlocked.Increment(ref _sessionsIssued);
        DateTimeOffset expiration = _clock.GetUtcNow().AddSeconds(duration);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsJsonAsync(new
        {
            credentialSet = new[]
            {
                new
                {
                    assumedRoleUser = new { arn = "arn:aws:sts::123456789012:assumed-role/kvreplicator/session", assumedRoleId = "AROAEXAMPLE:session" },
                    credentials = new
                    {
                        accessKeyId = "ASIATESTACCESSKEY" + _sessionsIssued.ToString(CultureInfo.InvariantCulture),
                        secretAccessKey = "test-secret-access-key",
                        sessionToken = "test-session-token",
                        expiration = expiration.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
                    },
                    packedPolicySize = 0,
                    roleArn,
                    sourceIdentity = "CN=kvrep test leaf",
                },
            },
            subjectArn = "arn:aws:rolesanywhere:eu-west-1:123456789012:subject/test",
        });
    }

    private string? Authenticate(HttpRequest request, byte[] body)
    {
        if (request.Path.Value?.EndsWith("/sessions", StringComparison.Ordinal) != true)
        {
            return "not the CreateSession path";
        }

        foreach (string arn in new[] { "profileArn", "roleArn", "trustAnchorArn" })
        {
            if (request.Query[arn].Count != 1 || string.IsNullOrEmpty(request.Query[arn].ToString()))
            {
                return $"{arn} is not one query parameter";
            }
        }

        using (JsonDocument document = JsonDocument.Parse(body))
        {
            if (document.RootElement.EnumerateObject().Any(property => property.Name.EndsWith("Arn", StringComparison.Ordinal)))
            {
                return "an ARN is in the body, where the signing helper never puts it";
            }
        }

        Match authorization = AuthorizationPattern().Match(request.Headers.Authorization.ToString());
        if (!authorization.Success)
        {
            return "malformed Authorization header";
        }

        string algorithm = authorization.Groups["algorithm"].Value;
        string serial = authorization.Groups["serial"].Value;
        string scopeDate = authorization.Groups["date"].Value;
        string scopeRegion = authorization.Groups["region"].Value;
        string[] signedHeaders = authorization.Groups["headers"].Value.Split(';');
        byte[] signature = Convert.FromHexString(authorization.Groups["signature"].Value);

        foreach (string required in new[] { "content-type", "host", "x-amz-date", "x-amz-x509" })
        {
            if (!signedHeaders.Contains(required))
            {
                return $"header {required} is not signed";
            }
        }

        if (request.Headers.ContainsKey("X-Amz-X509-Chain") && !signedHeaders.Contains("x-amz-x509-chain"))
        {
            return "header x-amz-x509-chain is not signed";
        }

        if (!signedHeaders.SequenceEqual(signedHeaders.Order(StringComparer.Ordinal)))
        {
            return "signed headers are not sorted";
        }

        string amzDate = request.Headers["X-Amz-Date"].ToString();
        if (!DateTimeOffset.TryParseExact(amzDate, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset signedAt))
        {
            return "X-Amz-Date is not a basic ISO 8601 timestamp";
        }

        if ((signedAt - _clock.GetUtcNow()).Duration() > s_allowedSkew)
        {
            return "request date is outside the allowed skew (wrong date)";
        }

        if (scopeDate != amzDate[..8])
        {
            return "credential scope date differs from X-Amz-Date";
        }

        if (scopeRegion != _region)
        {
            return $"credential scope region {scopeRegion} is not {_region}";
        }

        X509Certificate2 leaf;
        try
        {
            leaf = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(request.Headers["X-Amz-X509"].ToString()));
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            return "X-Amz-X509 is not a base64 DER certificate";
        }

        using (leaf)
        {
            string leafSerial = new BigInteger(leaf.SerialNumberBytes.Span, isUnsigned: false, isBigEndian: true).ToString(CultureInfo.InvariantCulture);
            if (leafSerial != serial)
            {
                return "credential serial does not match the certificate";
            }

            string canonicalRequest = CanonicalRequest(request, signedHeaders, body);
            string stringToSign = $"{algorithm}\n{amzDate}\n{scopeDate}/{scopeRegion}/rolesanywhere/aws4_request\n{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonicalRequest)))}";
            if (!Verify(leaf, algorithm, Encoding.UTF8.GetBytes(stringToSign), signature))
            {
                return "signature does not verify with the certificate's public key";
            }

            return ChainsToTrustAnchor(leaf, request.Headers["X-Amz-X509-Chain"].ToString())
                ? null
                : "certificate does not chain to the trust anchor";
        }
    }

    private static string CanonicalRequest(HttpRequest request, string[] signedHeaders, byte[] body)
    {
        var canonical = new StringBuilder();
        canonical.Append(request.Method).Append('\n');
        canonical.Append("/sessions").Append('\n');
        canonical.Append(string.Join('&', request.Query
            .SelectMany(parameter => parameter.Value.Select(value => (Name: Uri.EscapeDataString(parameter.Key), Value: Uri.EscapeDataString(value ?? string.Empty))))
            .OrderBy(parameter => parameter.Name, StringComparer.Ordinal)
            .ThenBy(parameter => parameter.Value, StringComparer.Ordinal)
            .Select(parameter => $"{parameter.Name}={parameter.Value}"))).Append('\n');
        foreach (string name in signedHeaders)
        {
            string value = name == "host" ? request.Host.Value! : string.Join(',', request.Headers[name].Select(v => v!.Trim()));
            canonical.Append(name).Append(':').Append(value).Append('\n');
        }

        canonical.Append('\n').Append(string.Join(';', signedHeaders)).Append('\n');
        canonical.Append(Convert.ToHexStringLower(SHA256.HashData(body)));
        return canonical.ToString();
    }

    private static bool Verify(X509Certificate2 leaf, string algorithm, byte[] data, byte[] signature)
    {
        if (algorithm == "AWS4-X509-RSA-SHA256")
        {
            using RSA? rsa = leaf.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        }

        using ECDsa? ecdsa = leaf.GetECDsaPublicKey();
        return ecdsa is not null && ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    private bool ChainsToTrustAnchor(X509Certificate2 leaf, string chainHeader)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_trustAnchor);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = _clock.GetUtcNow().UtcDateTime;
        chain.ChainPolicy.VerificationTimeIgnored = false;
        foreach (string encoded in chainHeader.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            chain.ChainPolicy.ExtraStore.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(encoded)));
        }

        return chain.Build(leaf);
    }

    [GeneratedRegex(@"^(?<algorithm>AWS4-X509-(RSA|ECDSA)-SHA256) Credential=(?<serial>-?\d+)/(?<date>\d{8})/(?<region>[a-z0-9-]+)/rolesanywhere/aws4_request, SignedHeaders=(?<headers>[a-z0-9;-]+), Signature=(?<signature>[0-9a-f]+)$")]
    private static partial Regex AuthorizationPattern();

    private sealed class TamperingHandler(Func<HttpRequestMessage, Task> tamper) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await tamper(request);
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
