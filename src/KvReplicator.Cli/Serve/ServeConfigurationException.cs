namespace KvReplicator.Cli.Serve;

/// <summary><c>kvrep serve</c> cannot start as configured; the message says what to set.</summary>
public sealed class ServeConfigurationException(string message) : Exception(message);
