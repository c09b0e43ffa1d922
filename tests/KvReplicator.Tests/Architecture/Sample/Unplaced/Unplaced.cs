namespace KvReplicator.Tests.Architecture.Sample.Unplaced;

/// <summary>A namespace the sample layering does not name.</summary>
internal sealed class Unplaced;
