using System.Net.Http.Headers;

namespace KvReplicator.DevTools.Local;

/// <summary>
/// LOCAL ONLY (test plan case 3): what the replicator's Secrets Manager requests were signed with, as seen on the
/// wire by <see cref="LocalSigningTallyHandler"/>: how many carried a session token, how many used a temporary
/// (<c>ASIA…</c>) access key id, and how many distinct access key ids signed them. Key ids are identifiers, not
/// secrets; the session token and the signature are only checked for presence, never kept.
/// </summary>
internal sealed class LocalSigningTally
{
    /// <summary>The prefix AWS gives access key ids of temporary (STS-issued) credentials.</summary>
    internal const string TemporaryKeyPrefix = "ASIA";

    private readonly Lock _sync = new();
    private readonly HashSet<string> _accessKeys = new(StringComparer.Ordinal);
    private long _signed;
    private long _withSessionToken;
    private long _withTemporaryKey;

    public long SignedRequests
    {
        get
        {
            lock (_sync)
            {
                return _signed;
            }
        }
    }

    public long WithSessionToken
    {
        get
        {
            lock (_sync)
            {
                return _withSessionToken;
            }
        }
    }

    public long WithTemporaryKey
    {
        get
        {
            lock (_sync)
            {
                return _withTemporaryKey;
            }
        }
    }

    public int DistinctAccessKeys
    {
        get
        {
            lock (_sync)
            {
                return _accessKeys.Count;
            }
        }
    }

    /// <summary>Counts one outgoing request; unsigned requests (no SigV4 <c>Authorization</c>) are not counted.</summary>
    public void Observe(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (AccessKeyId(request) is not { } accessKeyId)
        {
            return;
        }

        bool hasToken = request.Headers.NonValidated.TryGetValues("X-Amz-Security-Token", out HeaderStringValues tokens) && tokens.Any(t => t.Length > 0);
        lock (_sync)
        {
            _signed++;
            _withSessionToken += hasToken ? 1 : 0;
            _withTemporaryKey += accessKeyId.StartsWith(TemporaryKeyPrefix, StringComparison.Ordinal) ? 1 : 0;
            _accessKeys.Add(accessKeyId);
        }
    }

    /// <summary>The access key id of a SigV4 <c>Authorization</c> header: <c>AWS4-HMAC-SHA256 Credential=&lt;key id&gt;/&lt;scope&gt;, …</c>.</summary>
    internal static string? AccessKeyId(HttpRequestMessage request)
    {
        // The signer's headers are added without validation, which the typed Authorization property would reject.
        if (!request.Headers.NonValidated.TryGetValues("Authorization", out HeaderStringValues values)
            || values.FirstOrDefault() is not { } authorization
            || !authorization.StartsWith("AWS4-HMAC-SHA256 ", StringComparison.Ordinal))
        {
            return null;
        }

        string parameter = authorization["AWS4-HMAC-SHA256 ".Length..];
        const string credential = "Credential=";
        int start = parameter.IndexOf(credential, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += credential.Length;
        int end = parameter.IndexOf('/', start);
        return end > start ? parameter[start..end] : null;
    }
}
