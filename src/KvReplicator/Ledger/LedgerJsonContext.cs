using System.Text.Json;
using System.Text.Json.Serialization;

namespace KvReplicator.Ledger;

/// <summary>Serialises records without reflection: the ledger is on the hot path.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SecretLedgerState))]
internal sealed partial class LedgerJsonContext : JsonSerializerContext;
