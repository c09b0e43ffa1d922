using System.Text;

namespace KvReplicator.Tests.Events;

/// <summary>
/// Seeded generator of single events aimed at the schemas' fine print, which <see cref="DeliveryFuzzer"/> rarely
/// reaches: duplicated and escaped attribute names, lone surrogates, nulls where strings go, CloudEvents
/// extension attributes, <c>data_base64</c>, dates in many spellings, data fields in other cases.
/// </summary>
internal sealed class EnvelopeFuzzer
{
    private const string Version = "ee059b2bb5bc48398a53b168c6cdcb10";

    private static readonly string[] s_values =
    [
        "\"x\"", "\"\\ud800\"", "\"a\\udc00\"", "\"\\ud83d\\ude00\"", "null", "1", "2147483648", "1.5", "1e400", "true", "false", "[]", "{}", "\"\"", "\" \"",
        "\"\\u0041\"", "\"2026-01-01T00:00:00Z\"", "\"2026-01-01\"", "\"01/02/2026 10:00\"", "\"2026-13-01T00:00:00Z\"", "\"0001-01-01T00:00:00Z\"",
        "\"9999-12-31T23:59:59-05:00\"", "\"2026-01-01T00:00:00+01:00\"", "\"eyJhIjoxfQ==\"", "\"!!\"", "\"Microsoft.KeyVault.SecretNewVersionCreated\"",
        "\"microsoft.keyvault.secretnewversioncreated\"", "\"1.0\"", "\"1.1\"", "\"Secret\"", "\"secret\"", "\"Key\"", "\"db\"", "\"sample-kv\"", $"\"{Version}\"",
        $"\"{Version.ToUpperInvariant()}\"", $"\"https://sample-kv.vault.azure.net/secrets/db/{Version}\"", $"\"https://other.vault.azure.net/secrets/db/{Version}\"",
        "\"https://sample-kv.vault.azure.net/secrets/db\"", "\"https://sample-kv.vault.azure.net/keys/db/x\"", "\"http://x/secrets/db/1\"",
    ];

    private static readonly string[] s_gridNames =
        ["id", "topic", "subject", "eventType", "eventTime", "data", "dataVersion", "metadataVersion", "i\\u0064", "event\\u0054ype", "Id", "extra", "specversion"];

    private static readonly string[] s_cloudNames =
    [
        "specversion", "id", "source", "type", "subject", "time", "data", "data_base64", "dataschema", "datacontenttype", "ext1", "Ext", "", "x-y", "\\u0069d",
        "traceparent", "n\\ud800", "eventType", "ext\\u0031",
    ];

    private static readonly string[] s_dataNames =
        ["Id", "VaultName", "ObjectType", "ObjectName", "Version", "NBF", "EXP", "id", "vaultname", "objectname", "VERSION", "objecttype", "nbf", "Other", "Obj\\u0065ctName", "x\\ud800"];

    private readonly Random _random;

    public EnvelopeFuzzer(int seed) => _random = new Random(seed);

    /// <summary>The next delivery: one event, alone or in an array.</summary>
    public byte[] Next()
    {
        string data = _random.Next(12) switch
        {
            0 => "null",
            1 => "\"s\"",
            2 => "[]",
            3 => $"[{Object(Data())}]",
            _ => Object(Data()),
        };
        List<(string Name, string Value)> attributes;
        string[] names;
        if (_random.Next(2) == 0)
        {
            attributes =
            [
                ("id", "\"e1\""), ("topic", "\"/t\""), ("subject", "\"db\""), ("eventType", "\"Microsoft.KeyVault.SecretNewVersionCreated\""),
                ("eventTime", "\"2026-01-01T00:00:00Z\""), ("data", data), ("dataVersion", "\"1\""), ("metadataVersion", "\"1\""),
            ];
            names = s_gridNames;
        }
        else
        {
            attributes =
            [
                ("specversion", "\"1.0\""), ("id", "\"c1\""), ("source", "\"/t\""), ("subject", "\"db\""), ("type", "\"Microsoft.KeyVault.SecretNewVersionCreated\""),
                ("time", "\"2026-01-01T00:00:00Z\""),
                _random.Next(5) == 0 ? ("data_base64", $"\"{Convert.ToBase64String(Encoding.UTF8.GetBytes(data))}\"") : ("data", data),
            ];
            names = s_cloudNames;
        }

        Mutate(attributes, names, keep: name => name is "data" or "data_base64");
        if (_random.Next(4) == 0)
        {
            attributes = [.. attributes.OrderBy(_ => _random.Next())];
        }

        string json = Object(attributes);
        return Encoding.UTF8.GetBytes(_random.Next(3) == 0 ? json : $"[{json}]");
    }

    private List<(string Name, string Value)> Data()
    {
        var fields = new List<(string Name, string Value)>();
        void Maybe(string name, string value, int oneIn)
        {
            if (_random.Next(oneIn) > 0)
            {
                fields.Add((name, value));
            }
        }

        Maybe("Id", $"\"https://sample-kv.vault.azure.net/secrets/db/{Version}\"", 3);
        Maybe("VaultName", "\"sample-kv\"", 3);
        Maybe("ObjectType", "\"Secret\"", 3);
        Maybe("ObjectName", "\"db\"", 3);
        Maybe("Version", $"\"{Version}\"", 3);
        Maybe("NBF", _random.Next(3) switch { 0 => "null", 1 => "1700000000", _ => "\"1700000000\"" }, 2);
        Maybe("EXP", "null", 2);
        Mutate(fields, s_dataNames, keep: _ => false);
        return fields;
    }

    /// <summary>Up to three edits: add an attribute, change a value, remove one, duplicate one.</summary>
    private void Mutate(List<(string Name, string Value)> attributes, string[] names, Func<string, bool> keep)
    {
        int edits = _random.Next(4);
        for (int i = 0; i < edits; i++)
        {
            int at = attributes.Count == 0 ? -1 : _random.Next(attributes.Count);
            switch (_random.Next(4))
            {
                case 0:
                    attributes.Add((Pick(names), Pick(s_values)));
                    break;
                case 1 when at >= 0 && !keep(attributes[at].Name):
                    attributes[at] = (attributes[at].Name, Pick(s_values));
                    break;
                case 2 when at >= 0:
                    attributes.RemoveAt(at);
                    break;
                case 3 when at >= 0:
                    attributes.Insert(_random.Next(attributes.Count), attributes[at]);
                    break;
            }
        }
    }

    private string Pick(string[] values) => values[_random.Next(values.Length)];

    private static string Object(IEnumerable<(string Name, string Value)> attributes) =>
        "{" + string.Join(",", attributes.Select(a => $"\"{a.Name}\":{a.Value}")) + "}";
}
