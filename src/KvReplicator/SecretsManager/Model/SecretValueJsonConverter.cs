using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvReplicator.SecretsManager.Model;

/// <summary>Keeps values wrapped in <see cref="SecretValue"/> up to the bytes on the wire and from them.</summary>
internal sealed class SecretValueJsonConverter : JsonConverter<SecretValue>
{
    public override SecretValue? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? null : new SecretValue(reader.GetString()!);

    public override void Write(Utf8JsonWriter writer, SecretValue value, JsonSerializerOptions options) => writer.WriteStringValue(value.Reveal());
}
