using System.Text.Json;
using Azure.Messaging;
using Azure.Messaging.EventGrid;
using KvReplicator.Events;

namespace KvReplicator.Tests.Events;

/// <summary>
/// The body path reads both schemas itself from the one document it parses; a host that binds events with the
/// SDK hands them to the other overloads. Over generated deliveries the two must judge every event alike: what
/// the SDK refuses to parse is malformed for its schema, and what it parses yields the same result.
/// </summary>
public sealed class KeyVaultEventParserSdkAgreementTests
{
    [Fact]
    public void The_body_path_judges_every_event_as_the_SDK_bound_path_does()
    {
        var deliveries = new DeliveryFuzzer(seed: 23);
        var envelopes = new EnvelopeFuzzer(seed: 29);
        int refusedBySdk = 0, parsedBySdk = 0;
        for (int i = 0; i < 60_000; i++)
        {
            byte[] body = i % 3 == 0 ? deliveries.Next().Body : envelopes.Next();
            (int refused, int parsed) = AssertAgreement(body, $"input {i}");
            refusedBySdk += refused;
            parsedBySdk += parsed;
        }

        // Both sides of the comparison were exercised, not only one.
        Assert.True(refusedBySdk > 5_000, $"SDK refused {refusedBySdk}");
        Assert.True(parsedBySdk > 20_000, $"SDK parsed {parsedBySdk}");
    }

    private static (int Refused, int Parsed) AssertAgreement(byte[] body, string where)
    {
        IReadOnlyList<KeyVaultEvent> parsed = KeyVaultEventParser.Parse(BinaryData.FromBytes(body));
        JsonElement[] elements;
        try
        {
            using JsonDocument document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            elements = document.RootElement.ValueKind switch
            {
                JsonValueKind.Array => [.. document.RootElement.EnumerateArray().Select(e => e.Clone())],
                JsonValueKind.Object => [document.RootElement.Clone()],
                _ => [],
            };
        }
        catch (JsonException)
        {
            return (0, 0); // refused before any event is read: nothing of the SDK's to compare with
        }

        if (parsed.Count != elements.Length || !System.Text.Unicode.Utf8.IsValid(body))
        {
            return (0, 0);
        }

        int refused = 0, bound = 0;
        for (int i = 0; i < elements.Length; i++)
        {
            (KeyVaultEvent? expected, DateTimeOffset? stampedTime) = ParseWithSdk(elements[i]);
            KeyVaultEvent actual = parsed[i];
            if (expected is null)
            {
                if (elements[i].ValueKind == JsonValueKind.Object && (elements[i].TryGetProperty("specversion", out _) || elements[i].TryGetProperty("eventType", out _)))
                {
                    refused++;
                    Assert.True(actual.Kind == KeyVaultEventKind.Malformed, $"{where}: the SDK refuses it, the parser said {actual.Kind}");
                    Assert.StartsWith("event does not follow its schema (", actual.Reason, StringComparison.Ordinal);
                }

                continue;
            }

            bound++;

            // The SDK stamps a CloudEvent without a time with the moment it parsed it; the body path says it has none.
            if (stampedTime is not null && actual.AnnouncedOn is null)
            {
                expected = expected with { AnnouncedOn = null };
            }

            Assert.True(expected == actual, $"{where}: SDK-bound {expected}, body {actual}");
        }

        return (refused, bound);
    }

    /// <summary>The SDK's reading of one event: null when it refuses it.</summary>
    private static (KeyVaultEvent? Parsed, DateTimeOffset? StampedTime) ParseWithSdk(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return (null, null);
        }

        var raw = BinaryData.FromString(element.GetRawText());
        try
        {
            if (element.TryGetProperty("specversion", out _))
            {
                DateTimeOffset before = DateTimeOffset.UtcNow;
                CloudEvent cloudEvent = CloudEvent.Parse(raw, skipValidation: false)!;
                return (KeyVaultEventParser.Parse(cloudEvent), cloudEvent.Time >= before ? cloudEvent.Time : null);
            }

            if (element.TryGetProperty("eventType", out _))
            {
                return (KeyVaultEventParser.Parse(EventGridEvent.Parse(raw)), null);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or JsonException or InvalidOperationException)
        {
        }

        return (null, null);
    }
}
