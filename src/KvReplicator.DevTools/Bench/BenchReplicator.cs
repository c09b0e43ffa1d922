namespace KvReplicator.DevTools.Bench;

/// <summary>A published <c>kvrep.dll</c> the bench runs as <c>kvrep serve</c> in a child process, and its label in the report (e.g. <c>old</c>, <c>new</c>).</summary>
internal sealed record BenchReplicator(string Label, string KvrepDll);
