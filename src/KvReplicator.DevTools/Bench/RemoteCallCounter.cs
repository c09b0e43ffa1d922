using System.Diagnostics.Metrics;
using KvReplicator.Diagnostics;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Counts the replicator's remote calls from its own measurement of them (the <c>kvrep.remote_call.duration</c>
/// histogram that production's policy and handler record), by service and operation. The call is charged to the
/// delivery whose handler made it (an <see cref="AsyncLocal{T}"/> flows from the delivery into the SDK pipelines,
/// and a measurement is reported on the thread that made it), so concurrent deliveries are told apart: a
/// duplicate's calls are not mixed with a new version's. Calls made outside any delivery are not counted.
/// </summary>
internal sealed class RemoteCallCounter : IDisposable
{
    private readonly AsyncLocal<CallTally?> _current = new();
    private readonly MeterListener _listener = new();

    public RemoteCallCounter()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == KvReplicatorTelemetry.Name && instrument.Name == TelemetryNames.RemoteCallDuration)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>(OnRemoteCall);
        _listener.Start();
    }

    /// <summary>Charges one call (and the time it waited, when known) to the current delivery, if there is one.</summary>
    public void Record(RemoteService service, string operation, TimeSpan elapsed = default)
    {
        if (_current.Value is { } tally)
        {
            tally.Add(service, operation);
            if (elapsed > TimeSpan.Zero)
            {
                tally.AddTime(service, elapsed);
            }
        }
    }

    /// <summary>Charges the calls made by the code that runs until the scope is disposed to <paramref name="tally"/>.</summary>
    public IDisposable ChargeTo(CallTally tally)
    {
        CallTally? previous = _current.Value;
        _current.Value = tally;
        return new Scope(this, previous);
    }

    public void Dispose() => _listener.Dispose();

    private void OnRemoteCall(Instrument instrument, double seconds, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        string? service = null, operation = null;
        foreach (KeyValuePair<string, object?> tag in tags)
        {
            switch (tag.Key)
            {
                case TelemetryNames.Service:
                    service = tag.Value as string;
                    break;
                case TelemetryNames.Operation:
                    operation = tag.Value as string;
                    break;
            }
        }

        RemoteService? counted = service switch
        {
            TelemetryNames.KeyVaultService => RemoteService.KeyVault,
            TelemetryNames.BlobService => RemoteService.Blob,
            TelemetryNames.SecretsManagerService => RemoteService.SecretsManager,
            _ => null, // the credential exchange (STS, Roles Anywhere) is not a cost of a version
        };
        if (counted is { } known && operation is not null)
        {
            Record(known, operation, TimeSpan.FromSeconds(seconds));
        }
    }

    private sealed class Scope(RemoteCallCounter counter, CallTally? previous) : IDisposable
    {
        public void Dispose() => counter._current.Value = previous;
    }
}
