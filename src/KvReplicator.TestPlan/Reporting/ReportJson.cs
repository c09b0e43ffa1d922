using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvReplicator.TestPlan.Reporting;

/// <summary>The JSON shape of every report: camelCase, enums as strings, indented for people and parseable by scripts.</summary>
public static class ReportJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };
}
