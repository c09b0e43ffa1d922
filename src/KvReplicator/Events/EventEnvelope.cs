using System.Text.Json;

namespace KvReplicator.Events;

/// <summary>
/// What both schemas say about one event, read from a delivery's body or taken from an event a host bound.
/// </summary>
/// <param name="Id">The event's id (<c>id</c>).</param>
/// <param name="Type">Its type (<c>eventType</c> or <c>type</c>).</param>
/// <param name="Subject">Its subject; Key Vault puts the secret's name there.</param>
/// <param name="Time">When it was raised (<c>eventTime</c> or <c>time</c>), if it said.</param>
/// <param name="Data">Its <c>data</c>, when read from the body: an element of the delivery's one document.</param>
/// <param name="DataBytes">Its data as bytes: a CloudEvent's <c>data_base64</c>, or a host-bound event's <c>Data</c>.</param>
internal readonly record struct EventEnvelope(string? Id, string? Type, string? Subject, DateTimeOffset? Time, JsonElement? Data, BinaryData? DataBytes);
