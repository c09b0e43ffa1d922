namespace KvReplicator.Cli.Serve;

/// <summary>The body of a delivery's answer: what happened, for whoever reads Event Grid's or a replay's logs.</summary>
internal sealed record DeliveryResponse(string Disposition, int Events, string? Detail);
