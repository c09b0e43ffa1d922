using System.Text.Json.Serialization;

namespace KvReplicator.Cli.Serve;

/// <summary>The answer Event Grid expects to its validation event: <c>{"validationResponse": code}</c>.</summary>
internal sealed record ValidationResponse([property: JsonPropertyName("validationResponse")] string Code);
