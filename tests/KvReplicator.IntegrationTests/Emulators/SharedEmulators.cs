using KvReplicator.LocalCloud.Emulators;

namespace KvReplicator.IntegrationTests.Emulators;

/// <summary>
/// One moto and one Azurite for the whole test run, started on first use. Tests isolate themselves by
/// using unique secret names and container names, not separate processes; the processes are killed when
/// the test host exits.
/// </summary>
public static class SharedEmulators
{
    private static readonly Lazy<Task<MotoServer>> s_moto = new(() => MotoServer.StartAsync());
    private static readonly Lazy<Task<AzuriteServer>> s_azurite = new(() => AzuriteServer.StartAsync());

    public static Task<MotoServer> MotoAsync() => s_moto.Value;

    public static Task<AzuriteServer> AzuriteAsync() => s_azurite.Value;

    /// <summary>A name no other test uses, for secrets, containers and prefixes.</summary>
    public static string UniqueName(string stem) => $"{stem}-{Guid.NewGuid():N}"[..Math.Min(stem.Length + 13, 63)];
}
