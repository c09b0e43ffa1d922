using System.Text.Json;

namespace KvReplicator.Cli.Configuration;

/// <summary>
/// A <c>--config</c> file that cannot be read as configuration, said with its line and position. The JSON reader's
/// own message is left out: it quotes the character it stopped at, and the file may hold a connection string.
/// </summary>
internal sealed class ConfigurationFileException(string message, Exception innerException) : Exception(message, innerException)
{
    public static ConfigurationFileException From(FileInfo file, InvalidDataException exception)
    {
        string problem = FindJsonError(exception) is { } json
            ? $"is not valid JSON at line {json.LineNumber + 1}, position {json.BytePositionInLine + 1}"
            : exception.InnerException is FormatException format
                ? $"cannot be used: {format.Message}" // the configuration parser's own: a duplicate key, a top level that is not an object
                : $"cannot be read ({exception.InnerException?.GetType().Name ?? nameof(InvalidDataException)})";
        return new ConfigurationFileException($"configuration file '{file.FullName}' {problem}.", exception);
    }

    private static JsonException? FindJsonError(Exception? exception)
    {
        for (; exception is not null; exception = exception.InnerException)
        {
            if (exception is JsonException { LineNumber: not null } json)
            {
                return json;
            }
        }

        return null;
    }
}
