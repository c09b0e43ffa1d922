using System.ComponentModel.DataAnnotations;

namespace KvReplicator.LocalCloud.EventGrid;

/// <summary>
/// How the local Event Grid behaves. The defaults are Event Grid's; the knobs (duplicates, shuffle, delay,
/// drop) make it as unkind as the real one can be, or unkinder, so tests can prove the replicator copes.
/// </summary>
public sealed class LocalEventGridOptions
{
    /// <summary>The Azure subscription id used in event topics.</summary>
    [Required(AllowEmptyStrings = false)]
    public string AzureSubscriptionId { get; set; } = "00000000-0000-0000-0000-000000000000";

    /// <summary>The resource group used in event topics.</summary>
    [Required(AllowEmptyStrings = false)]
    public string ResourceGroup { get; set; } = "kvrep-local";

    /// <summary>Multiplies Event Grid's retry schedule (10 s, 30 s, 1 min, 5 min…); 0.001 turns 10 s into 10 ms.</summary>
    [Range(0.0, 1.0, ErrorMessage = "RetryDelayScale must be between 0 and 1.")]
    public double RetryDelayScale { get; set; } = 1.0;

    /// <summary>How long one HTTP attempt may take before it counts as timed out. Event Grid waits 30 s.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Probability (0..1) that an event is delivered a second time, as Event Grid may.</summary>
    [Range(0.0, 1.0, ErrorMessage = "DuplicateRate must be between 0 and 1.")]
    public double DuplicateRate { get; set; }

    /// <summary>Probability (0..1) that an event is silently lost, to prove that a reconcile finds it later.</summary>
    [Range(0.0, 1.0, ErrorMessage = "DropRate must be between 0 and 1.")]
    public double DropRate { get; set; }

    /// <summary>Hold up to this many events and deliver them in random order; 0 or 1 keeps publish order.</summary>
    [Range(0, 10_000, ErrorMessage = "ShuffleWindow must be between 0 and 10000.")]
    public int ShuffleWindow { get; set; }

    /// <summary>How long the shuffle waits for its window to fill before it lets what it holds go.</summary>
    public TimeSpan ShuffleHoldTime { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Extra delay before the first attempt of every delivery.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.Zero;

    /// <summary>Seed of the knobs' random choices, for reproducible runs; null picks one.</summary>
    public int? Seed { get; set; }

    /// <summary>Deliveries in flight at once across all subscriptions.</summary>
    [Range(1, 1024, ErrorMessage = "MaxConcurrentDeliveries must be between 1 and 1024.")]
    public int MaxConcurrentDeliveries { get; set; } = 16;

    internal void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        if (DeliveryTimeout <= TimeSpan.Zero || ShuffleHoldTime < TimeSpan.Zero || Delay < TimeSpan.Zero)
        {
            throw new ValidationException("DeliveryTimeout must be positive; ShuffleHoldTime and Delay must not be negative.");
        }
    }
}
