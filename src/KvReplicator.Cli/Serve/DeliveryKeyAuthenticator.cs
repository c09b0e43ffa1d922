using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace KvReplicator.Cli.Serve;

/// <summary>
/// Checks a delivery's shared key: the <c>X-Kvrep-Key</c> header (Event Grid's "delivery with custom headers")
/// or the <c>code</c> query parameter (as Azure Functions webhooks take it).
/// </summary>
internal sealed class DeliveryKeyAuthenticator
{
    public const string HeaderName = "X-Kvrep-Key";
    public const string QueryName = "code";

    private readonly byte[]? _expectedHash;
    private readonly bool _allowAnonymous;

    public DeliveryKeyAuthenticator(IOptions<ServeOptions> options)
    {
        ServeOptions value = options.Value;
        _allowAnonymous = value.AllowAnonymous && string.IsNullOrEmpty(value.DeliveryKey);
        _expectedHash = string.IsNullOrEmpty(value.DeliveryKey) ? null : Hash(value.DeliveryKey);
    }

    public bool IsAuthorized(HttpRequest request)
    {
        if (_allowAnonymous)
        {
            return true;
        }

        string? presented = request.Headers.TryGetValue(HeaderName, out var header) && header.Count == 1 ? header[0]
            : request.Query.TryGetValue(QueryName, out var query) && query.Count == 1 ? query[0]
            : null;
        if (presented is null || _expectedHash is null)
        {
            return false;
        }

        // Comparing fixed-size hashes in constant time leaks neither the key's content nor its length.
        return CryptographicOperations.FixedTimeEquals(Hash(presented), _expectedHash);
    }

    private static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
