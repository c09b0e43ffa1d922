namespace KvReplicator.Tests.DeadLettering;

/// <summary>Dead letters as Event Grid writes them: the event plus its dead-letter properties, in an array.</summary>
internal static class DeadLetterSamples
{
    public const string Vault = "sample-kv";

    public static string EventGridSchema(string name, string version, string id = "event-1") => $$"""
        [{
          "id": "{{id}}",
          "topic": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/{{Vault}}",
          "subject": "{{name}}",
          "eventType": "Microsoft.KeyVault.SecretNewVersionCreated",
          "eventTime": "2026-11-23T01:00:00Z",
          "data": { "Id": "https://{{Vault}}.vault.azure.net/secrets/{{name}}/{{version}}", "VaultName": "{{Vault}}", "ObjectType": "Secret", "ObjectName": "{{name}}", "Version": "{{version}}", "NBF": null, "EXP": null },
          "dataVersion": "1",
          "metadataVersion": "1",
          "deadLetterReason": "MaxDeliveryAttemptsExceeded",
          "deliveryAttempts": 30,
          "lastDeliveryOutcome": "Busy",
          "lastHttpStatusCode": 503,
          "publishTime": "2026-11-23T01:00:00.0000000Z",
          "lastDeliveryAttemptTime": "2026-11-24T01:00:00.0000000Z"
        }]
        """;

    public static string CloudEventSchema(string name, string version, string id = "event-1") => $$"""
        [{
          "specversion": "1.0",
          "id": "{{id}}",
          "source": "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/{{Vault}}",
          "subject": "{{name}}",
          "type": "Microsoft.KeyVault.SecretNewVersionCreated",
          "time": "2026-11-23T01:00:00Z",
          "datacontenttype": "application/json",
          "data": { "Id": "https://{{Vault}}.vault.azure.net/secrets/{{name}}/{{version}}", "VaultName": "{{Vault}}", "ObjectType": "Secret", "ObjectName": "{{name}}", "Version": "{{version}}" },
          "deadLetterReason": "UndeliverableDueToHttpBadRequest",
          "deliveryAttempts": 1,
          "lastDeliveryOutcome": "BadRequest",
          "lastHttpStatusCode": 400,
          "publishTime": "2026-11-23T01:00:00.0000000Z",
          "lastDeliveryAttemptTime": "2026-11-23T01:00:01.0000000Z"
        }]
        """;
}
