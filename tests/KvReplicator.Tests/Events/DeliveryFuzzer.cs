using System.Text;
using System.Text.Json.Nodes;

namespace KvReplicator.Tests.Events;

/// <summary>
/// Seeded generator of Event Grid delivery bodies, valid and broken: truncated JSON, flipped bytes, wrong
/// types, huge strings, deep nesting, wrong event types, missing fields, invalid names, versions and Ids,
/// 1 MB bodies. The same seed yields the same inputs, so a failure names the input that caused it.
/// </summary>
internal sealed class DeliveryFuzzer
{
    public const string Vault = "fuzz-vault";

    private static readonly string[] s_eventTypes =
    [
        "Microsoft.KeyVault.SecretNewVersionCreated", "microsoft.keyvault.secretnewversioncreated", "Microsoft.KeyVault.SecretNearExpiry",
        "Microsoft.KeyVault.KeyNewVersionCreated", "Microsoft.Storage.BlobCreated", "Microsoft.EventGrid.SubscriptionValidationEvent", "", " ",
        "Microsoft.KeyVault.SecretNewVersionCreated\u0000", "Microsoft.KeyVault.", "x",
    ];

    private static readonly string[] s_badNames =
    [
        "", " ", "../etc/passwd", "a/b", "a b", "näme", "名前", "a_b", "a.b", "-", new string('a', 128), new string('a', 5000), "%2F", "a\nb",
        "a\u0000b", "null", "<script>", "a\\b", "😀",
    ];

    private static readonly string[] s_badVersions =
    [
        "", "0", new string('a', 31), new string('a', 33), new string('g', 32), "../../../../../../../../../../aaaa", "0123456789abcdef0123456789abcde\u00e9",
        new string('f', 10_000), "00000000-0000-0000-0000-000000000000",
    ];

    private static readonly string[] s_scalars = ["null", "1", "\"x\"", "[]", "{}", "true", "[1,2]", "[null]", "[[]]", "[{}]"];

    private readonly Random _random;
    private readonly string _vault;

    /// <param name="vault">The vault valid events come from, so a host configured for it accepts them.</param>
    public DeliveryFuzzer(int seed, string vault = Vault)
    {
        _random = new Random(seed);
        _vault = vault;
    }

    /// <summary>The next input and the name of the mutation that made it.</summary>
    public (byte[] Body, string Mutation) Next()
    {
        int pick = _random.Next(1000);
        return pick switch
        {
            0 => (HugeBody(), "huge-body"),
            < 100 => (Utf8(Batch(1).ToJsonString()), "valid"),
            < 200 => (Truncate(Utf8(Batch(_random.Next(1, 4)).ToJsonString())), "truncated"),
            < 300 => (FlipBytes(Utf8(Batch(1).ToJsonString())), "bytes"),
            < 450 => (Utf8(new JsonArray(WrongType(Event())).ToJsonString()), "wrong-type"),
            < 550 => (Utf8(new JsonArray(WithoutFields(Event())).ToJsonString()), "missing-fields"),
            < 620 => (Utf8(new JsonArray(WithEventType(Event())).ToJsonString()), "event-type"),
            < 750 => (Utf8(new JsonArray(WithBadIdentity(Event())).ToJsonString()), "name-version-id"),
            < 800 => (DeepNesting(), "deep-nesting"),
            < 870 => (Garbage(), "garbage"),
            < 950 => (Utf8(Batch(_random.Next(2, 40), mixed: true).ToJsonString()), "batch"),
            _ => (Utf8(WrongType(Event()).ToJsonString()), "single-object"),
        };
    }

    public string ValidName() => (_random.Next(3)) switch
    {
        0 => $"s{_random.Next(1000)}",
        1 => $"{_random.Next(10)}-db-{_random.Next(100)}",
        _ => new string('n', _random.Next(1, 128)),
    };

    public string ValidVersion()
    {
        Span<byte> bytes = stackalloc byte[16];
        _random.NextBytes(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    private JsonArray Batch(int count, bool mixed = false)
    {
        var batch = new JsonArray();
        for (int i = 0; i < count; i++)
        {
            batch.Add(mixed && _random.Next(3) == 0 ? WrongType(Event()) : Event());
        }

        return batch;
    }

    private JsonObject Event()
    {
        string name = ValidName();
        string version = ValidVersion();
        var data = new JsonObject
        {
            ["Id"] = $"https://{_vault}.vault.azure.net/secrets/{name}/{version}",
            ["VaultName"] = _vault,
            ["ObjectType"] = "Secret",
            ["ObjectName"] = name,
            ["Version"] = version,
            ["NBF"] = null,
            ["EXP"] = null,
        };
        string topic = $"/subscriptions/0/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/{_vault}";
        return _random.Next(2) == 0
            ? new JsonObject
            {
                ["id"] = Guid.NewGuid().ToString(), ["topic"] = topic, ["subject"] = name, ["eventType"] = "Microsoft.KeyVault.SecretNewVersionCreated",
                ["eventTime"] = "2026-11-23T01:02:03Z", ["data"] = data, ["dataVersion"] = "1", ["metadataVersion"] = "1",
            }
            : new JsonObject
            {
                ["specversion"] = "1.0", ["id"] = Guid.NewGuid().ToString(), ["source"] = topic, ["subject"] = name,
                ["type"] = "Microsoft.KeyVault.SecretNewVersionCreated", ["time"] = "2026-11-23T01:02:03Z", ["data"] = data,
            };
    }

    private JsonObject WrongType(JsonObject gridEvent)
    {
        JsonObject target = _random.Next(2) == 0 ? gridEvent : (JsonObject)gridEvent["data"]!;
        string[] keys = target.Select(p => p.Key).ToArray();
        target[keys[_random.Next(keys.Length)]] = RandomValue();
        return gridEvent;
    }

    private JsonNode? RandomValue() => _random.Next(9) switch
    {
        0 => null,
        1 => JsonValue.Create(_random.Next()),
        2 => JsonValue.Create(_random.NextDouble() * 1e300),
        3 => JsonValue.Create(_random.Next(2) == 0),
        4 => new JsonArray(JsonValue.Create("a"), JsonValue.Create(1)),
        5 => new JsonObject { ["nested"] = new JsonObject { ["x"] = 1 } },
        6 => JsonValue.Create(new string('x', _random.Next(1, 200_000))),
        7 => JsonValue.Create(""),
        _ => JsonValue.Create("\u0000\uFFFF\uD800 \\ \" unicode ☃"),
    };

    private JsonObject WithoutFields(JsonObject gridEvent)
    {
        int removals = _random.Next(1, 4);
        for (int i = 0; i < removals; i++)
        {
            JsonObject target = _random.Next(2) == 0 || gridEvent["data"] is not JsonObject data ? gridEvent : data;
            string[] keys = target.Select(p => p.Key).ToArray();
            if (keys.Length > 0)
            {
                target.Remove(keys[_random.Next(keys.Length)]);
            }
        }

        return gridEvent;
    }

    private JsonObject WithEventType(JsonObject gridEvent)
    {
        gridEvent[gridEvent.ContainsKey("type") ? "type" : "eventType"] = s_eventTypes[_random.Next(s_eventTypes.Length)];
        return gridEvent;
    }

    private JsonObject WithBadIdentity(JsonObject gridEvent)
    {
        var data = (JsonObject)gridEvent["data"]!;
        switch (_random.Next(6))
        {
            case 0:
                data["ObjectName"] = s_badNames[_random.Next(s_badNames.Length)];
                data.Remove("Id");
                break;
            case 1:
                data["Version"] = s_badVersions[_random.Next(s_badVersions.Length)];
                data.Remove("Id");
                break;
            case 2:
                data["Id"] = _random.Next(5) switch
                {
                    0 => $"http://{_vault}.vault.azure.net/secrets/a/{ValidVersion()}",
                    1 => $"https://{_vault}.vault.azure.net/keys/a/{ValidVersion()}",
                    2 => $"https://{_vault}.vault.azure.net/secrets/a/{ValidVersion()}/extra",
                    3 => "not a uri",
                    _ => $"https://{_vault}.vault.azure.net/secrets/{s_badNames[_random.Next(s_badNames.Length)]}/{ValidVersion()}",
                };
                break;
            case 3:
                data["ObjectName"] = "other-name";
                break;
            case 4:
                data["VaultName"] = s_badNames[_random.Next(s_badNames.Length)];
                data.Remove("Id");
                break;
            default:
                data.Remove("ObjectName");
                data.Remove("Id");
                gridEvent["subject"] = s_badNames[_random.Next(s_badNames.Length)];
                break;
        }

        return gridEvent;
    }

    private byte[] Truncate(byte[] body) => body[..Math.Max(0, _random.Next(body.Length))];

    private byte[] FlipBytes(byte[] body)
    {
        var bytes = new List<byte>(body);
        int edits = _random.Next(1, 9);
        for (int i = 0; i < edits && bytes.Count > 0; i++)
        {
            int at = _random.Next(bytes.Count);
            switch (_random.Next(3))
            {
                case 0: bytes[at] = (byte)_random.Next(256); break;
                case 1: bytes.Insert(at, (byte)"{}[]\",:\\0e-"[_random.Next(11)]); break;
                default: bytes.RemoveAt(at); break;
            }
        }

        return [.. bytes];
    }

    private byte[] DeepNesting()
    {
        int depth = _random.Next(1, 5000);
        return _random.Next(2) == 0
            ? Utf8(new string('[', depth) + new string(']', depth))
            : Utf8("[{\"eventType\":\"Microsoft.KeyVault.SecretNewVersionCreated\",\"data\":" + string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth) + "}]");
    }

    private byte[] Garbage()
    {
        byte[] bytes = new byte[_random.Next(0, 256)];
        _random.NextBytes(bytes);
        return _random.Next(3) switch
        {
            0 => bytes,
            1 => Utf8(s_scalars[_random.Next(s_scalars.Length)]),
            _ => Utf8(new string(' ', _random.Next(100))),
        };
    }

    /// <summary>About 1 MB: one event whose secret name or an unknown field is a megabyte of text.</summary>
    private byte[] HugeBody()
    {
        JsonObject gridEvent = Event();
        gridEvent[_random.Next(2) == 0 ? "subject" : "padding"] = new string('a', 1024 * 1024);
        return Utf8(new JsonArray(gridEvent).ToJsonString());
    }

    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
