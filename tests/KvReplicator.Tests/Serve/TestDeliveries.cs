using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace KvReplicator.Tests.Serve;

/// <summary>Deliveries shaped like Event Grid's for a Key Vault system topic, in both schemas.</summary>
internal static class TestDeliveries
{
    private const string Topic = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/" + ServeTestHost.VaultName;

    public static string NewVersion() => Guid.NewGuid().ToString("N");

    public static JsonObject GridEvent(string secretName, string version) => new()
    {
        ["id"] = Guid.NewGuid().ToString(),
        ["topic"] = Topic,
        ["subject"] = secretName,
        ["eventType"] = "Microsoft.KeyVault.SecretNewVersionCreated",
        ["eventTime"] = "2026-11-23T01:02:03.0000000Z",
        ["data"] = Data(secretName, version),
        ["dataVersion"] = "1",
        ["metadataVersion"] = "1",
    };

    public static JsonObject CloudEvent(string secretName, string version) => new()
    {
        ["specversion"] = "1.0",
        ["id"] = Guid.NewGuid().ToString(),
        ["source"] = Topic,
        ["subject"] = secretName,
        ["type"] = "Microsoft.KeyVault.SecretNewVersionCreated",
        ["time"] = "2026-11-23T01:02:03.0000000Z",
        ["data"] = Data(secretName, version),
    };

    public static JsonArray ValidationEvent(string code) =>
    [
        new JsonObject
        {
            ["id"] = Guid.NewGuid().ToString(),
            ["topic"] = Topic,
            ["subject"] = "",
            ["eventType"] = "Microsoft.EventGrid.SubscriptionValidationEvent",
            ["eventTime"] = "2026-11-23T01:02:03.0000000Z",
            ["data"] = new JsonObject { ["validationCode"] = code, ["validationUrl"] = null },
            ["dataVersion"] = "2",
            ["metadataVersion"] = "1",
        },
    ];

    public static HttpRequestMessage Post(JsonNode body, string contentType = "application/json", string? key = ServeTestHost.Key, string eventType = "Notification", string path = "/api/events") =>
        Post(Encoding.UTF8.GetBytes(body.ToJsonString()), contentType, key, eventType, path);

    public static HttpRequestMessage Post(byte[] body, string contentType = "application/json", string? key = ServeTestHost.Key, string eventType = "Notification", string path = "/api/events")
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        request.Headers.Add("aeg-event-type", eventType);
        if (key is not null)
        {
            request.Headers.Add("X-Kvrep-Key", key);
        }

        return request;
    }

    private static JsonObject Data(string secretName, string version) => new()
    {
        ["Id"] = $"https://{ServeTestHost.VaultName}.vault.azure.net/secrets/{secretName}/{version}",
        ["VaultName"] = ServeTestHost.VaultName,
        ["ObjectType"] = "Secret",
        ["ObjectName"] = secretName,
        ["Version"] = version,
        ["NBF"] = null,
        ["EXP"] = null,
    };
}
