using System.Text.Json;
using KvReplicator.DeadLettering;
using KvReplicator.Events;

namespace KvReplicator.Tests.DeadLettering;

public sealed class DeadLetterEnvelopeTests
{
    private const string Version = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void An_event_grid_schema_dead_letter_opens_into_its_original_event_and_reason()
    {
        DeadLetterEnvelope envelope = Open(DeadLetterSamples.EventGridSchema("db", Version));

        Assert.Equal(["MaxDeliveryAttemptsExceeded"], envelope.DeadLetterReasons);
        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(envelope.Delivery));
        Assert.Equal(new SecretVersionRef(DeadLetterSamples.Vault, "db", Version), parsed.Version);
        AssertNoDeadLetterProperties(envelope);
    }

    [Fact]
    public void A_cloudevents_dead_letter_opens_too_although_its_properties_are_not_valid_extension_names()
    {
        DeadLetterEnvelope envelope = Open(DeadLetterSamples.CloudEventSchema("api-key", Version));

        Assert.Equal(["UndeliverableDueToHttpBadRequest"], envelope.DeadLetterReasons);
        KeyVaultEvent parsed = Assert.Single(KeyVaultEventParser.Parse(envelope.Delivery));
        Assert.Equal(KeyVaultEventKind.NewSecretVersion, parsed.Kind);
        Assert.Equal("api-key", parsed.Version!.SecretName);
        AssertNoDeadLetterProperties(envelope);
    }

    [Theory]
    [InlineData("not json at all", "not valid JSON")]
    [InlineData("[]", "no events")]
    [InlineData("[1, 2]", "not a JSON array of events")]
    [InlineData("\"text\"", "not a JSON array of events")]
    [InlineData("{}", "not a dead letter: a JSON object, where a dead letter is a JSON array of events")]
    public void Anything_else_is_unreadable_with_a_reason(string content, string reason)
    {
        Assert.Null(DeadLetterEnvelope.TryOpen(BinaryData.FromString(content), out string? error));
        Assert.Equal(reason, error);
    }

    [Fact]
    public void A_bare_event_object_is_not_a_dead_letter_and_is_not_replayed_as_an_event()
    {
        // Event Grid and the Functions host always write an array; a lone event object in the container was put there by something else.
        string single = DeadLetterSamples.EventGridSchema("db", Version).Trim().TrimStart('[').TrimEnd(']');

        Assert.Null(DeadLetterEnvelope.TryOpen(BinaryData.FromString(single), out string? error));
        Assert.StartsWith("not a dead letter", error, StringComparison.Ordinal);
    }

    private static DeadLetterEnvelope Open(string content)
    {
        DeadLetterEnvelope? envelope = DeadLetterEnvelope.TryOpen(BinaryData.FromString(content), out string? error);
        Assert.Null(error);
        return envelope!;
    }

    private static void AssertNoDeadLetterProperties(DeadLetterEnvelope envelope)
    {
        using JsonDocument document = JsonDocument.Parse(envelope.Delivery.ToMemory());
        JsonElement gridEvent = Assert.Single(document.RootElement.EnumerateArray().ToArray());
        Assert.All(DeadLetterEnvelope.DeadLetterProperties, property => Assert.False(gridEvent.TryGetProperty(property, out _), property));
    }
}
