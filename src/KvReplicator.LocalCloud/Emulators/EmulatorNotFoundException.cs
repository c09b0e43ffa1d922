namespace KvReplicator.LocalCloud.Emulators;

/// <summary>An emulator program is not installed; the message says how to install it.</summary>
public sealed class EmulatorNotFoundException(string message) : Exception(message);
