using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvReplicator.Cli.Output;

/// <summary>How every <c>--json</c> report is written: camelCase names, enum names as strings, no nulls, indented.</summary>
internal static class ReportJson
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Task WriteAsync<T>(T report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return output.WriteLineAsync(JsonSerializer.Serialize(report, s_options));
    }
}
