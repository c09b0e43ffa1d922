using System.Net;
using System.Net.Sockets;

namespace KvReplicator.LocalCloud.Emulators;

/// <summary>Finds a free TCP port on loopback by letting the OS pick one.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
