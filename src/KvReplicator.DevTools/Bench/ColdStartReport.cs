namespace KvReplicator.DevTools.Bench;

/// <summary>A fresh <c>kvrep serve</c> process: milliseconds from its start to its first 200 on /readyz, and to the 200 of its first delivery (one new version, posted as soon as it was ready).</summary>
internal sealed record ColdStartReport(double ReadyMs, double FirstVersionMs);
