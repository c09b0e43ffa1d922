using System.Globalization;
using System.Text.Json.Nodes;
using KvReplicator.LocalCloud.KeyVault;

namespace KvReplicator.LocalCloud.EventGrid;

/// <summary>
/// One event as the local Event Grid holds it, schema-neutral; rendered per subscription in the schema it
/// asked for, with the field names and casing Azure uses on the wire.
/// </summary>
internal sealed record GridEvent(string Id, string EventType, string Topic, string Subject, DateTimeOffset EventTime, JsonObject Data, string DataVersion)
{
    public const string SecretNewVersionCreated = "Microsoft.KeyVault.SecretNewVersionCreated";
    public const string SubscriptionValidationEvent = "Microsoft.EventGrid.SubscriptionValidationEvent";

    public static GridEvent From(SecretVersionCreated created, string topic) => new(
        Guid.NewGuid().ToString(),
        SecretNewVersionCreated,
        topic,
        created.SecretName,
        created.CreatedOn,
        // Key Vault sends PascalCase data with NBF/EXP as Unix seconds (null when unset).
        new JsonObject
        {
            ["Id"] = created.Id.ToString(),
            ["VaultName"] = created.VaultName,
            ["ObjectType"] = "Secret",
            ["ObjectName"] = created.SecretName,
            ["Version"] = created.Version,
            ["NBF"] = created.NotBefore?.ToUnixTimeSeconds(),
            ["EXP"] = created.ExpiresOn?.ToUnixTimeSeconds(),
        },
        "1");

    public static GridEvent Validation(string validationCode, string topic, DateTimeOffset now) => new(
        Guid.NewGuid().ToString(),
        SubscriptionValidationEvent,
        topic,
        string.Empty,
        now,
        new JsonObject { ["validationCode"] = validationCode, ["validationUrl"] = null },
        "2");

    public JsonObject ToEventGridSchema() => new()
    {
        ["id"] = Id,
        ["topic"] = Topic,
        ["subject"] = Subject,
        ["eventType"] = EventType,
        ["eventTime"] = FormatTime(EventTime),
        ["data"] = Data.DeepClone(),
        ["dataVersion"] = DataVersion,
        ["metadataVersion"] = "1",
    };

    public JsonObject ToCloudEvent() => new()
    {
        ["specversion"] = "1.0",
        ["id"] = Id,
        ["source"] = Topic,
        ["subject"] = Subject,
        ["type"] = EventType,
        ["time"] = FormatTime(EventTime),
        ["datacontenttype"] = "application/json",
        ["data"] = Data.DeepClone(),
    };

    public JsonObject Render(EventDeliverySchema schema) =>
        schema == EventDeliverySchema.CloudEventSchemaV1_0 ? ToCloudEvent() : ToEventGridSchema();

    internal static string FormatTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}
