using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvReplicator.Cli.Output;

/// <summary>How every <c>--json</c> report is written: camelCase names, enum names as strings, no nulls, indented.</summary>
internal static class ReportJson
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,

        // For a terminal or a script, not a web page: names such as vault 'x' stay readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Task WriteAsync<T>(T report, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return output.WriteLineAsync(JsonSerializer.Serialize(report, s_options));
    }
}
