namespace KvReplicator.DevTools.Chaos;

/// <summary>A version the chaos run created, as the checks need it.</summary>
internal sealed record CreatedVersion(string Version, string Value, bool Enabled);
