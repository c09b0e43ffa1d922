using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace KvReplicator.TestPlan.Targets;

/// <summary>
/// Re-delivers a Key Vault <c>SecretNewVersionCreated</c> event straight to a deployed replicator's Event Grid
/// webhook (a <c>kvrep serve</c> <c>/api/events</c> URL or the Functions Event Grid webhook), in the Event Grid schema
/// and with the headers Azure Event Grid sends, so a real deployment can be shown to be idempotent without
/// access to its Event Grid subscription.
/// </summary>
public sealed class HttpEventRedeliverer
{
    /// <summary>The header <c>kvrep serve</c> reads its delivery key from.</summary>
    public const string KeyHeader = "X-Kvrep-Key";

    private readonly HttpClient _http;
    private readonly Uri _endpoint;
    private readonly Uri _vaultUri;
    private readonly string _vaultName;
    private readonly string? _key;
    private readonly bool _keyInQuery;
    private readonly TimeProvider _time;

    /// <param name="endpoint">The webhook; its query (e.g. <c>functionName=…</c>) is kept.</param>
    /// <param name="vaultUri">The source vault, as the event's <c>Id</c> names it.</param>
    /// <param name="vaultName">The vault's name; by default the first label of <paramref name="vaultUri"/>'s host, as in Azure.</param>
    /// <param name="key">The delivery key, sent as <see cref="KeyHeader"/>, or as the <c>code</c> query parameter when <paramref name="keyInQuery"/>.</param>
    public HttpEventRedeliverer(HttpClient http, Uri endpoint, Uri vaultUri, string? vaultName = null, string? key = null, bool keyInQuery = false, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(vaultUri);
        if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException("The re-delivery URL must be an absolute http(s) URL.", nameof(endpoint));
        }

        if (keyInQuery && string.IsNullOrEmpty(key))
        {
            throw new ArgumentException("A key in the query needs a key.", nameof(key));
        }

        _http = http;
        _endpoint = endpoint;
        _vaultUri = vaultUri;
        _vaultName = string.IsNullOrWhiteSpace(vaultName) ? vaultUri.Host.Split('.')[0] : vaultName;
        _key = string.IsNullOrEmpty(key) ? null : key;
        _keyInQuery = keyInQuery;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>For reports: the webhook without its query, which may hold a key.</summary>
    public string Description => _endpoint.GetLeftPart(UriPartial.Path);

    /// <summary>
    /// POSTs the event for one version <paramref name="times"/> times, with one event id as Event Grid keeps on its
    /// retries, and counts the answers.
    /// </summary>
    public async Task<RedeliveryOutcome> RedeliverAsync(string secretName, string version, int times, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(secretName);
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        string body = new JsonArray(BuildEvent(Guid.NewGuid().ToString(), secretName, version, _time.GetUtcNow())).ToJsonString();
        Uri target = RequestUri();
        var statuses = new List<int>(times);
        for (int attempt = 0; attempt < times; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, target)
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("aeg-event-type", "Notification");
            request.Headers.Add("aeg-delivery-count", attempt.ToString(CultureInfo.InvariantCulture));
            if (_key is not null && !_keyInQuery)
            {
                request.Headers.Add(KeyHeader, _key);
            }

            using HttpResponseMessage response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            statuses.Add((int)response.StatusCode);
        }

        return new RedeliveryOutcome(times, statuses.Count(s => s is >= 200 and < 300), statuses);
    }

    /// <summary>One event in the Event Grid schema, with the fields, casing and data Key Vault publishes.</summary>
    public JsonObject BuildEvent(string eventId, string secretName, string version, DateTimeOffset eventTime) => new()
    {
        ["id"] = eventId,
        // Azure's topic is the vault's resource id; the subscription and group are not known here and no consumer reads them.
        ["topic"] = $"/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/unknown/providers/Microsoft.KeyVault/vaults/{_vaultName}",
        ["subject"] = secretName,
        ["eventType"] = "Microsoft.KeyVault.SecretNewVersionCreated",
        ["eventTime"] = eventTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture),
        ["data"] = new JsonObject
        {
            ["Id"] = new Uri(_vaultUri, $"secrets/{Uri.EscapeDataString(secretName)}/{version}").ToString(),
            ["VaultName"] = _vaultName,
            ["ObjectType"] = "Secret",
            ["ObjectName"] = secretName,
            ["Version"] = version,
            ["NBF"] = null,
            ["EXP"] = null,
        },
        ["dataVersion"] = "1",
        ["metadataVersion"] = "1",
    };

    private Uri RequestUri()
    {
        if (!_keyInQuery)
        {
            return _endpoint;
        }

        var builder = new UriBuilder(_endpoint);
        string code = "code=" + Uri.EscapeDataString(_key!);
        builder.Query = string.IsNullOrEmpty(builder.Query) ? code : builder.Query.TrimStart('?') + "&" + code;
        return builder.Uri;
    }
}
