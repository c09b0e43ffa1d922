using Azure.Messaging;
using Azure.Messaging.EventGrid;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Events;
using KvReplicator.Tests.TestData;

namespace KvReplicator.Tests.Events;

public sealed class KeyVaultEventParserTests
{
    private const string Version = "ee059b2bb5bc48398a53b168c6cdcb10";

    [Theory]
    [InlineData("Events/eventgrid-secret-new-version.json")]
    [InlineData("Events/cloudevent-secret-new-version.json")]
    public void Parses_new_secret_version_in_both_schemas(string file)
    {
        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(TestDataFile.Read(file)));

        Assert.Equal(KeyVaultEventKind.NewSecretVersion, parsed.Kind);
        Assert.Equal(new SecretVersionRef("sample-kv", "db-password", Version), parsed.Version);
        Assert.Equal(KeyVaultEventParser.SecretNewVersionCreated, parsed.EventType);
        Assert.NotNull(parsed.EventId);
    }

    [Fact]
    public void Accepts_quoted_timestamps_of_the_documentation_sample()
    {
        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(TestDataFile.Read("Events/eventgrid-docs-sample-quoted-timestamps.json")));

        Assert.Equal(KeyVaultEventKind.NewSecretVersion, parsed.Kind);
        Assert.Equal("newsecret", parsed.Version!.SecretName);
    }

    [Theory]
    [InlineData("Events/eventgrid-secret-near-expiry.json", "does not announce a new secret version")]
    [InlineData("Events/eventgrid-key-new-version.json", "does not announce a new secret version")]
    public void Ignores_other_key_vault_events_with_a_reason(string file, string reason)
    {
        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(TestDataFile.Read(file)));

        Assert.Equal(KeyVaultEventKind.Ignored, parsed.Kind);
        Assert.Contains(reason, parsed.Reason);
        Assert.Null(parsed.Version);
    }

    [Fact]
    public void Parses_each_event_of_a_batch()
    {
        IReadOnlyList<KeyVaultEvent> parsed = KeyVaultEventParser.Parse(TestDataFile.Read("Events/cloudevent-batch-mixed.json"));

        Assert.Collection(parsed,
            e => Assert.Equal(("batch-1", KeyVaultEventKind.NewSecretVersion), (e.EventId, e.Kind)),
            e => Assert.Equal(("batch-2", KeyVaultEventKind.Ignored), (e.EventId, e.Kind)));
    }

    [Fact]
    public void Ignores_events_from_other_sources()
    {
        string body = """[{"id":"1","topic":"/x","subject":"s","eventType":"Microsoft.Storage.BlobCreated","eventTime":"2026-01-01T00:00:00Z","data":{},"dataVersion":"1"}]""";

        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(body)));

        Assert.Equal(KeyVaultEventKind.Ignored, parsed.Kind);
        Assert.Contains("not a Key Vault event", parsed.Reason);
    }

    [Fact]
    public void Takes_name_and_version_from_the_id_when_the_flat_fields_are_missing()
    {
        string body = GridEvent("""{"Id":"https://sample-kv.vault.azure.net/secrets/from-id/0123456789ABCDEF0123456789abcdef"}""");

        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(body)));

        Assert.Equal(new SecretVersionRef("sample-kv", "from-id", "0123456789abcdef0123456789abcdef"), parsed.Version);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("", "not valid JSON")]
    [InlineData("42", "not an event")]
    [InlineData("[]", "empty array")]
    [InlineData("[42]", "not an object")]
    [InlineData("""{"hello":"world"}""", "neither 'eventType'")]
    public void Rejects_bodies_that_are_not_deliveries(string body, string reason)
    {
        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(body)));

        Assert.Equal(KeyVaultEventKind.Malformed, parsed.Kind);
        Assert.Contains(reason, parsed.Reason);
    }

    [Theory]
    [InlineData("""{"VaultName":"sample-kv","ObjectType":"Secret","ObjectName":"db"}""", "db", "names no version")]
    [InlineData("""{"VaultName":"sample-kv","ObjectType":"Secret","ObjectName":"db","Version":"not-hex"}""", "db", "not a Key Vault version id")]
    [InlineData("""{"VaultName":"sample-kv","ObjectType":"Secret","ObjectName":"bad name!","Version":"ee059b2bb5bc48398a53b168c6cdcb10"}""", "x", "not a valid Key Vault secret name")]
    [InlineData("""{"VaultName":"sample-kv","ObjectType":"Secret","ObjectName":42,"Version":"ee059b2bb5bc48398a53b168c6cdcb10"}""", "x", "does not match the Key Vault schema")]
    [InlineData("""{"ObjectType":"Secret","ObjectName":"db","Version":"ee059b2bb5bc48398a53b168c6cdcb10"}""", "db", "names no valid vault")]
    [InlineData("""{"Id":"https://sample-kv.vault.azure.net/secrets/other/ee059b2bb5bc48398a53b168c6cdcb10","VaultName":"sample-kv","ObjectName":"db","Version":"ee059b2bb5bc48398a53b168c6cdcb10"}""", "db", "disagree")]
    [InlineData("""{"Id":"not a uri","VaultName":"sample-kv","ObjectName":"db","Version":"ee059b2bb5bc48398a53b168c6cdcb10"}""", "db", "not a Key Vault secret version URI")]
    [InlineData("\"just a string\"", "db", "does not match the Key Vault schema")]
    public void Rejects_secret_events_with_missing_or_wrong_fields(string data, string? subject, string reason)
    {
        string body = GridEvent(data, subject);

        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(body)));

        Assert.Equal(KeyVaultEventKind.Malformed, parsed.Kind);
        Assert.Contains(reason, parsed.Reason);
    }

    [Fact]
    public void Rejects_a_cloud_event_that_names_no_secret()
    {
        string body = """{"specversion":"1.0","id":"c1","source":"/t","type":"Microsoft.KeyVault.SecretNewVersionCreated","data":{"VaultName":"sample-kv","Version":"ee059b2bb5bc48398a53b168c6cdcb10"}}""";

        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(body)));

        Assert.Equal(KeyVaultEventKind.Malformed, parsed.Kind);
        Assert.Contains("names no secret", parsed.Reason);
    }

    [Fact]
    public void Rejects_a_cloud_event_without_required_attributes()
    {
        string body = """{"specversion":"1.0","type":"Microsoft.KeyVault.SecretNewVersionCreated","data":{}}""";

        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(body)));

        Assert.Equal(KeyVaultEventKind.Malformed, parsed.Kind);
        Assert.Contains("does not follow its schema", parsed.Reason);
    }

    [Fact]
    public void Rejects_deeply_nested_and_oversized_bodies_without_throwing()
    {
        string deep = new string('[', 10_000) + new string(']', 10_000);
        byte[] huge = new byte[KeyVaultEventParser.MaxBodyBytes + 1];

        Assert.Equal(KeyVaultEventKind.Malformed, Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(deep))).Kind);
        Assert.Contains("larger than", Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromBytes(huge))).Reason);
    }

    [Theory]
    [InlineData("eventType")]
    [InlineData("id")]
    [InlineData("ObjectType")]
    public void Quotes_at_most_a_little_of_a_huge_field_in_what_it_reports(string field)
    {
        // Found by the fuzzer: reasons, event types and ids end up in logs and in the HTTP answer to Event Grid.
        string huge = new('x', 500_000);
        string body = field switch
        {
            "eventType" => $$"""[{"id":"e1","topic":"/t","subject":"db","eventType":"{{huge}}","eventTime":"2026-01-01T00:00:00Z","data":{},"dataVersion":"1","metadataVersion":"1"}]""",
            "id" => $$"""[{"id":"{{huge}}","topic":"/t","subject":"db","eventType":"Other.Type","eventTime":"2026-01-01T00:00:00Z","data":{},"dataVersion":"1","metadataVersion":"1"}]""",
            _ => GridEvent($$"""{"ObjectType":"{{huge}}","ObjectName":"db","Version":"{{Version}}","VaultName":"sample-kv"}"""),
        };

        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(body)));

        Assert.Equal(KeyVaultEventKind.Ignored, parsed.Kind);
        Assert.True(parsed.Reason!.Length < 300, $"reason of {parsed.Reason.Length} characters");
        Assert.True((parsed.EventType?.Length ?? 0) < 300, $"event type of {parsed.EventType?.Length} characters");
        Assert.True((parsed.EventId?.Length ?? 0) < 300, $"event id of {parsed.EventId?.Length} characters");
    }

    [Theory]
    [InlineData("id")]
    [InlineData("eventType")]
    [InlineData("ObjectName")]
    public void A_string_that_is_not_valid_UTF8_makes_the_event_malformed_instead_of_throwing(string field)
    {
        // Found by the fuzzer: JsonDocument accepts such bytes inside a string and only GetString throws, so the
        // delivery escaped the parser as an exception (HTTP 500, retried for a day) instead of a reasoned 400.
        string template = GridEvent($$"""{"ObjectName":"db","Version":"{{Version}}","VaultName":"sample-kv"}""")
            .Replace(field == "id" ? "\"e1\"" : field == "eventType" ? "\"Microsoft.KeyVault.SecretNewVersionCreated\"" : "\"db\",\"Version", field == "ObjectName" ? "\"@@\",\"Version" : "\"@@\"", StringComparison.Ordinal);
        byte[] utf8 = System.Text.Encoding.UTF8.GetBytes(template);
        int at = Array.IndexOf(utf8, (byte)'@');
        utf8[at] = 0xC3;
        utf8[at + 1] = 0x28;

        IReadOnlyList<KeyVaultEvent> events = KeyVaultEventParser.Parse(BinaryData.FromBytes(utf8));

        KeyVaultEvent parsed = Assert.Single(events);
        Assert.Equal(KeyVaultEventKind.Malformed, parsed.Kind);
        Assert.False(string.IsNullOrWhiteSpace(parsed.Reason));
    }

    [Fact]
    public void An_escaped_lone_surrogate_in_the_id_is_not_quoted_and_does_not_throw()
    {
        string body = GridEvent($$"""{"ObjectName":"db","Version":"{{Version}}","VaultName":"sample-kv"}""").Replace("\"e1\"", "\"\\ud800\"", StringComparison.Ordinal);

        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(body)));

        Assert.Null(parsed.EventId);
    }

    [Theory]
    [InlineData("""{"id":"e1","topic":"/t","subject":"db","eventType":"Microsoft.KeyVault.SecretNewVersionCreated","eventTime":"2026-01-02T03:04:05+01:00","data":{"VaultName":"sample-kv","ObjectName":"db","Version":"ee059b2bb5bc48398a53b168c6cdcb10"},"dataVersion":"1"}""", "2026-01-02T02:04:05Z")]
    [InlineData("""{"specversion":"1.0","id":"c1","source":"/t","type":"Microsoft.KeyVault.SecretNewVersionCreated","time":"2026-01-02T02:04:05Z","data":{"VaultName":"sample-kv","ObjectName":"db","Version":"ee059b2bb5bc48398a53b168c6cdcb10"}}""", "2026-01-02T02:04:05Z")]
    [InlineData("""{"specversion":"1.0","id":"c1","source":"/t","type":"Microsoft.KeyVault.SecretNewVersionCreated","data":{"VaultName":"sample-kv","ObjectName":"db","Version":"ee059b2bb5bc48398a53b168c6cdcb10"}}""", null)]
    public void Takes_the_announcement_time_from_eventTime_or_time(string body, string? announcedOn)
    {
        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(body)));

        Assert.Equal(KeyVaultEventKind.NewSecretVersion, parsed.Kind);
        Assert.Equal(announcedOn is null ? null : DateTimeOffset.Parse(announcedOn, System.Globalization.CultureInfo.InvariantCulture), parsed.AnnouncedOn);
    }

    [Fact]
    public void Reads_the_data_of_a_cloud_event_sent_as_base64()
    {
        string data = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($$"""{"VaultName":"sample-kv","ObjectName":"db","Version":"{{Version}}"}"""));
        string body = $$"""{"specversion":"1.0","id":"c1","source":"/t","type":"Microsoft.KeyVault.SecretNewVersionCreated","data_base64":"{{data}}","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}""";

        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(body)));

        Assert.Equal(new SecretVersionRef("sample-kv", "db", Version), parsed.Version);
    }

    [Theory]
    [InlineData("""{"id":"e1","topic":5,"subject":"db","eventType":"T","eventTime":"2026-01-01T00:00:00Z","data":{},"dataVersion":"1"}""", "'topic' is not a string")]
    [InlineData("""{"id":"e1","subject":"db","eventType":"T","eventTime":"soon","data":{},"dataVersion":"1"}""", "'eventTime' is not a date")]
    [InlineData("""{"id":"e1","subject":"db","eventType":"T","eventTime":"2026-01-01T00:00:00Z","data":{}}""", "no 'dataVersion'")]
    [InlineData("""{"id":"e1","subject":"db","eventType":"T","eventTime":"2026-01-01T00:00:00Z","dataVersion":"1"}""", "no 'data'")]
    [InlineData("""{"id":"e1","subject":"db","eventType":"T","data":{"x":"\ud800"},"dataVersion":"1"}""", "lone surrogate")]
    [InlineData("""{"specversion":"1.1","id":"c1","source":"/t","type":"T"}""", "'specversion' is not \"1.0\"")]
    [InlineData("""{"specversion":"1.0","id":"c1","source":"/t","type":"T","Trace":"x"}""", "lower-case letters and digits")]
    [InlineData("""{"specversion":"1.0","id":"c1","source":"/t","type":"T","trace":null}""", "extension attribute 'trace' is not a string")]
    [InlineData("""{"specversion":"1.0","id":"c1","source":"/t","type":"T","n":1,"n":2}""", "'n' appears twice")]
    [InlineData("""{"specversion":"1.0","id":"c1","source":"/t","type":"T","data_base64":"!!"}""", "'data_base64' is not base64")]
    [InlineData("""{"specversion":"1.0","id":"c1","type":"T","source":null}""", "no 'source'")]
    public void Refuses_what_the_SDK_refuses_and_says_what(string body, string problem)
    {
        // The SDK's parsers enforce these; the body path reads the schemas itself and must refuse the same.
        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(body)));

        Assert.Equal(KeyVaultEventKind.Malformed, parsed.Kind);
        Assert.StartsWith("event does not follow its schema (", parsed.Reason, StringComparison.Ordinal);
        Assert.Contains(problem, parsed.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://sample-kv.vault.azure.net/secrets/db/" + Version)]
    [InlineData("https://sample-kv.vault.azure.net/secrets/db/")]
    [InlineData("https://sample-kv.vault.azure.net/secrets/db")]
    [InlineData("https://sample-kv.vault.azure.net/secrets/")]
    [InlineData("https://sample-kv.vault.azure.net/secrets//" + Version)]
    [InlineData("https://sample-kv.vault.azure.net/secrets/db/" + Version + "/")]
    [InlineData("https://sample-kv.vault.azure.net/secrets/db/" + Version + "/extra")]
    [InlineData("https://sample-kv.vault.azure.net/secrets/db//")]
    [InlineData("https://sample-kv.vault.azure.net/SECRETS/db/" + Version)]
    [InlineData("https://sample-kv.vault.azure.net/keys/db/" + Version)]
    [InlineData("https://sample-kv.vault.azure.net/secrets/./db/" + Version)]
    [InlineData("https://sample-kv.vault.azure.net/secrets/x/../db/" + Version)]
    [InlineData("https://sample-kv.vault.azure.net/secrets/a%2Fb/" + Version)]
    [InlineData("https://sample-kv.vault.azure.net/secrets/%64b/" + Version)]
    [InlineData("https://Sample-KV.vault.azure.net/secrets/db/" + Version)]
    [InlineData("https://sample-kv.vault.azure.net:8443/secrets/db/" + Version)]
    [InlineData("https://user@sample-kv.vault.azure.net/secrets/db/" + Version)]
    [InlineData("https://sample-kv/secrets/db/" + Version + "?x=1#f")]
    [InlineData("https://sample-kv.vault.azure.net\\secrets\\db\\" + Version)]
    [InlineData("https://[::1]/secrets/db/" + Version)]
    [InlineData("https://sample-kv.vault.azure.net//secrets/db/" + Version)]
    [InlineData("HTTPS://sample-kv.vault.azure.net/secrets/db/" + Version)]
    [InlineData("http://sample-kv.vault.azure.net/secrets/db/" + Version)]
    public void Reads_the_Id_as_the_Key_Vault_SDK_does(string secretId)
    {
        // The SDK's identifier parser is the reference; it accepts any collection, so the parser also wants "secrets".
        SecretVersionRef? expected = null;
        if (Uri.TryCreate(secretId, UriKind.Absolute, out Uri? uri) && uri.Scheme == Uri.UriSchemeHttps &&
            KeyVaultSecretIdentifier.TryCreate(uri, out KeyVaultSecretIdentifier identifier) &&
            string.Equals(uri.Segments[1], "secrets/", StringComparison.OrdinalIgnoreCase) &&
            KeyVaultNames.SecretName().IsMatch(identifier.Name) && identifier.Version is { } version && KeyVaultNames.Version().IsMatch(version) &&
            KeyVaultNames.VaultName().IsMatch(uri.Host.Split('.')[0]))
        {
            expected = new SecretVersionRef(uri.Host.Split('.')[0], identifier.Name, version.ToLowerInvariant());
        }

        // Only the Id names the secret: the subject is read only when the data names none.
        string body = GridEvent($$"""{"Id":{{System.Text.Json.JsonSerializer.Serialize(secretId)}}}""", subject: "unused");

        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(BinaryData.FromString(body)));

        Assert.Equal(expected, parsed.Version);
        Assert.Equal(expected is null ? KeyVaultEventKind.Malformed : KeyVaultEventKind.NewSecretVersion, parsed.Kind);
    }

    [Fact]
    public void Parses_events_already_bound_by_a_host()
    {
        EventGridEvent gridEvent = EventGridEvent.Parse(TestDataFile.Read("Events/eventgrid-secret-new-version.json"));
        CloudEvent cloudEvent = CloudEvent.Parse(TestDataFile.Read("Events/cloudevent-secret-new-version.json"))!;

        Assert.Equal(Version, KeyVaultEventParser.Parse(gridEvent).Version!.Version);
        Assert.Equal(Version, KeyVaultEventParser.Parse(cloudEvent).Version!.Version);
    }

    private static string GridEvent(string data, string? subject = "db") =>
        $$"""[{"id":"e1","topic":"/t","subject":{{(subject is null ? "null" : $"\"{subject}\"")}},"eventType":"Microsoft.KeyVault.SecretNewVersionCreated","eventTime":"2026-01-01T00:00:00Z","data":{{data}},"dataVersion":"1","metadataVersion":"1"}]""";
}
