using KvReplicator.LocalCloud.Emulators;
using KvReplicator.LocalCloud.EventGrid;
using Microsoft.Extensions.Logging;

namespace KvReplicator.DevTools.Local;

/// <summary>How <see cref="LocalDeployment"/> sets up the local cloud and <c>kvrep serve</c>.</summary>
public sealed class LocalDeploymentOptions
{
    /// <summary>The schema the replicator's Event Grid subscription delivers.</summary>
    public EventDeliverySchema Schema { get; set; } = EventDeliverySchema.EventGridSchema;

    /// <summary>Probability (0..1) that the grid delivers an event twice.</summary>
    public double DuplicateRate { get; set; }

    /// <summary>Events the grid holds and delivers in random order; 0 keeps arrival order (deliveries still run concurrently).</summary>
    public int ShuffleWindow { get; set; }

    public int? Seed { get; set; }

    /// <summary>
    /// Scales Event Grid's retry schedule; 0.01 turns its 10 s, 30 s, 1 min… into 100 ms, 300 ms, 600 ms… so a
    /// failed delivery comes back within the run rather than minutes later.
    /// </summary>
    public double RetryDelayScale { get; set; } = 0.01;

    /// <summary>The replicator's Secrets Manager name prefix.</summary>
    public string TargetPrefix { get; set; } = string.Empty;

    /// <summary>
    /// Give the replicator the test plan's local-only levers, all outside its production code: sessions from moto's
    /// STS that last <see cref="CredentialLifetime"/> and an exchange that can be refused, a tally of what its
    /// Secrets Manager requests were signed with, and a throttling handler on its Secrets Manager client. Off for
    /// the demo, which shows the plain path (still with web identity credentials, in 900 s sessions).
    /// </summary>
    public bool InjectFaults { get; set; }

    /// <summary>
    /// How long each STS session lasts when <see cref="InjectFaults"/> is on; whole seconds, at least 2. The
    /// production source refreshes at half of it, so a few seconds give a refresh every second or two.
    /// </summary>
    public TimeSpan CredentialLifetime { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Emulators already running (tests share one per run); started and stopped here when null.</summary>
    public MotoServer? Moto { get; set; }

    public AzuriteServer? Azurite { get; set; }

    /// <summary>Logging of the in-process serve host; nothing is logged when null (the demo's stdout is its report).</summary>
    public Action<ILoggingBuilder>? ConfigureLogging { get; set; }
}
