using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Counts the HTTP connections the process opens, by server port, from the runtime's <c>System.Net.Http</c>
/// <c>ConnectionEstablished</c> event, so <c>--profile</c> can show whether each client reuses its
/// connections (a steady state should open almost none). Events arrive on the thread that opened the
/// connection, so a count read after a phase includes all of its connections.
/// </summary>
internal sealed class ConnectionCounterListener : EventListener
{
    private const string HttpSource = "System.Net.Http";

    private readonly ConcurrentDictionary<int, int> _byPort = new();

    /// <summary>Connections opened so far to each port.</summary>
    public IReadOnlyDictionary<int, int> Snapshot() => new Dictionary<int, int>(_byPort);

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == HttpSource)
        {
            EnableEvents(eventSource, EventLevel.Informational);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName != "ConnectionEstablished" || eventData.PayloadNames is null || eventData.Payload is null)
        {
            return;
        }

        int index = eventData.PayloadNames.IndexOf("port");
        if (index >= 0 && eventData.Payload[index] is int port)
        {
            _byPort.AddOrUpdate(port, 1, (_, count) => count + 1);
        }
    }
}
