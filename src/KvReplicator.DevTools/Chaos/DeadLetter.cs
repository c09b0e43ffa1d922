namespace KvReplicator.DevTools.Chaos;

/// <summary>An event the simulated Event Grid gave up on, and the last thing the handler said about it.</summary>
public sealed record DeadLetter(string SecretName, string Version, int Attempts, string Reason);
