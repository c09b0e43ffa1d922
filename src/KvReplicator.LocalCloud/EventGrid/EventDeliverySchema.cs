namespace KvReplicator.LocalCloud.EventGrid;

/// <summary>The schema a subscription receives its events in, named as Event Grid names them.</summary>
public enum EventDeliverySchema
{
    /// <summary>Event Grid's own schema: always a JSON array, <c>application/json</c>.</summary>
    EventGridSchema,

    /// <summary>CloudEvents 1.0 in structured mode: <c>application/cloudevents+json</c>, or the batch form.</summary>
    CloudEventSchemaV1_0,
}
