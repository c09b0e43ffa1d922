namespace KvReplicator.LocalCloud.EventGrid;

/// <summary>
/// The webhook did not complete Event Grid's validation handshake, so the subscription was not created.
/// The message names the endpoint without its query string, which may carry a delivery key.
/// </summary>
public sealed class EventSubscriptionValidationException(string message, Exception? innerException = null)
    : Exception(message, innerException);
