using System.Collections.Concurrent;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// The probes of HTTP deliveries in flight, by the id the bench sends in <see cref="HeaderName"/>, and the
/// probe of the request the current code runs for (an <see cref="AsyncLocal{T}"/> set by the middleware).
/// </summary>
internal sealed class DeliveryProbes
{
    public const string HeaderName = "X-Kvrep-Bench-Delivery";

    private readonly ConcurrentDictionary<string, DeliveryProbe> _probes = new(StringComparer.Ordinal);
    private readonly AsyncLocal<DeliveryProbe?> _current = new();

    public DeliveryProbe? Current => _current.Value;

    public string Register(DeliveryProbe probe)
    {
        string id = Guid.NewGuid().ToString("N");
        _probes[id] = probe;
        return id;
    }

    public void Remove(string id) => _probes.TryRemove(id, out _);

    public bool TryEnter(string? id, out DeliveryProbe? probe)
    {
        probe = null;
        if (id is null || !_probes.TryGetValue(id, out probe))
        {
            return false;
        }

        _current.Value = probe;
        return true;
    }
}
