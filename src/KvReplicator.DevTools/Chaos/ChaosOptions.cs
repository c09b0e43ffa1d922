using System.ComponentModel.DataAnnotations;

namespace KvReplicator.DevTools.Chaos;

/// <summary>How hard <c>kvrep-dev chaos</c> shakes the replicator. Defaults are the CI-sized setting.</summary>
public sealed class ChaosOptions
{
    /// <summary>Key Vault versions created in total, spread over <see cref="Secrets"/> secrets.</summary>
    [Range(1, 1_000_000, ErrorMessage = "--versions must be between 1 and 1000000.")]
    public int Versions { get; set; } = 200;

    [Range(1, 10_000, ErrorMessage = "--secrets must be between 1 and 10000.")]
    public int Secrets { get; set; } = 10;

    /// <summary>Seeds the scenario (names, values, creation order, delivery order) and the fault draws.</summary>
    public int Seed { get; set; } = 1;

    /// <summary>Chance that any one HTTP call (Secrets Manager, Key Vault, Blob) or credential refresh fails.</summary>
    [Range(0.0, 0.5, ErrorMessage = "the fault rate must be between 0 and 0.5.")]
    public double FaultRate { get; set; } = 0.05;

    /// <summary>Chance that a delivery's handler crashes at one of the four steps.</summary>
    [Range(0.0, 0.9, ErrorMessage = "the crash rate must be between 0 and 0.9.")]
    public double CrashRate { get; set; } = 0.1;

    /// <summary>Chance that Event Grid delivers an event once more (at least once, in any order).</summary>
    [Range(0.0, 1.0, ErrorMessage = "the duplicate rate must be between 0 and 1.")]
    public double DuplicateRate { get; set; } = 0.2;

    /// <summary>Chance that a new version is disabled right after it is created (its delivery must skip it).</summary>
    [Range(0.0, 0.5, ErrorMessage = "the disable rate must be between 0 and 0.5.")]
    public double DisableRate { get; set; } = 0.03;

    /// <summary>Deliveries handled at once, as several instances or a batch would.</summary>
    [Range(1, 64, ErrorMessage = "the parallelism must be between 1 and 64.")]
    public int Parallelism { get; set; } = 8;

    /// <summary>How far (virtual) Event Grid may hold a first delivery back, which shuffles the order.</summary>
    public TimeSpan ShuffleWindow { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Virtual time between two new versions.</summary>
    public TimeSpan CreationInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Event Grid's defaults: 30 attempts within 24 hours, then dead-letter.</summary>
    [Range(1, 30, ErrorMessage = "the delivery attempt limit must be between 1 and 30.")]
    public int MaxDeliveryAttempts { get; set; } = 30;

    public TimeSpan EventTimeToLive { get; set; } = TimeSpan.FromHours(24);
}
