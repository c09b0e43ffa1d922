namespace KvReplicator;

/// <summary>
/// Thrown by hosts whose only retry signal is an exception (an Azure Functions trigger) when a delivery
/// ended in <see cref="DeliveryDisposition.RetryLater"/>. Its message is <see cref="DeliveryResult.Summary"/>,
/// which names secrets and versions but never values.
/// </summary>
internal sealed class ReplicationDeferredException(string message) : Exception(message);
