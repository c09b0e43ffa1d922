using System.ComponentModel.DataAnnotations;
using KvReplicator.LocalCloud.EventGrid;

namespace KvReplicator.DevTools.Bench;

/// <summary>The workload of one <c>kvrep-dev bench</c> run.</summary>
internal sealed class BenchOptions
{
    /// <summary>Secrets created in the local Key Vault.</summary>
    [Range(1, 10_000, ErrorMessage = "--secrets must be between 1 and 10000.")]
    public int Secrets { get; init; } = 200;

    /// <summary>Versions created per secret; the first one creates the AWS secret, the others are the steady state.</summary>
    [Range(1, 100, ErrorMessage = "--versions must be between 1 and 100.")]
    public int Versions { get; init; } = 5;

    /// <summary>Deliveries handled at once, as Event Grid's concurrent webhook calls would be.</summary>
    [Range(1, 256, ErrorMessage = "--concurrency must be between 1 and 256.")]
    public int Concurrency { get; init; } = 16;

    /// <summary>Share of steady-state events delivered a second time (Event Grid is at-least-once).</summary>
    [Range(0.0, 1.0, ErrorMessage = "--duplicate-rate must be between 0 and 1.")]
    public double DuplicateRate { get; init; } = 0.1;

    /// <summary>Delivers in random order (older versions may arrive after newer ones) instead of creation order.</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>Seeds the shuffle and the choice of duplicates, so a run can be repeated.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>
    /// Delivers the steady state one rotation round at a time (version k of every secret created, then
    /// delivered) instead of creating every version first; each event then names the latest version, as in
    /// production, which costs the post-write Key Vault re-check that an overtaken version skips.
    /// </summary>
    public bool RotationRounds { get; init; }

    public BenchDeliveryMode Delivery { get; init; } = BenchDeliveryMode.Direct;

    public EventDeliverySchema Schema { get; init; } = EventDeliverySchema.EventGridSchema;

    /// <summary>Pause before redelivering an event the ledger reported in flight (Event Grid waits at least 10 s; the bench less).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00", ErrorMessage = "--retry-delay must be between 0 and 60 seconds.")]
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>What to deliver; each pattern but <see cref="BenchPattern.Phases"/> runs on a fresh replicator.</summary>
    public IReadOnlyList<BenchPattern> Patterns { get; init; } = [BenchPattern.Phases];

    /// <summary>The published <c>kvrep.dll</c> builds that <see cref="BenchDeliveryMode.Process"/> runs, each pattern on each in turn.</summary>
    public IReadOnlyList<BenchReplicator> Replicators { get; init; } = [];

    /// <summary>How many times each pattern runs on each replicator, interleaved (a, b, a, b, …) so that a machine's drift is shared.</summary>
    [Range(1, 20, ErrorMessage = "--repeat must be between 1 and 20.")]
    public int Repeat { get; init; } = 1;

    /// <summary>With <see cref="BenchDeliveryMode.Process"/>: count the child's calls through forwarders (false: no hop, for latency and CPU).</summary>
    public bool CountCalls { get; init; } = true;

    /// <summary>With <see cref="BenchDeliveryMode.Process"/>: a directory for each child's log (names and versions, never values); null keeps none.</summary>
    public string? ServeLogDirectory { get; init; }

    /// <summary>Adds CPU time, allocations, GC and thread-pool figures per phase.</summary>
    public bool Profile { get; init; }

    /// <summary>Replicator settings laid over the local cloud's, e.g. a shorter ownership cache, to measure what they cost.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    public IReadOnlyList<string> Validate()
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(this, new ValidationContext(this), results, validateAllProperties: true);
        List<string> problems = [.. results.Select(result => result.ErrorMessage ?? "invalid option")];
        if (Patterns.Contains(BenchPattern.Latency) && Versions < 3)
        {
            problems.Add("--pattern latency needs --versions 3 or more (a warm-up round, then rounds at concurrency 1 and at --concurrency).");
        }

        if (Patterns.Contains(BenchPattern.ColdStart) && Delivery != BenchDeliveryMode.Process)
        {
            problems.Add("--pattern cold-start needs --delivery process (it times a process from its start).");
        }

        if (Delivery == BenchDeliveryMode.Process)
        {
            problems.AddRange(Replicators.Where(r => !File.Exists(r.KvrepDll) || !File.Exists(Path.ChangeExtension(r.KvrepDll, ".runtimeconfig.json")))
                .Select(r => $"--kvrep '{r.Label}': {r.KvrepDll} is not a published kvrep.dll (with its kvrep.runtimeconfig.json beside it)."));
            if (Replicators.Count == 0)
            {
                problems.Add("--delivery process needs a published kvrep.dll: --kvrep [LABEL=]PATH.");
            }
        }
        else if (Replicators.Count > 0)
        {
            problems.Add("--kvrep is only for --delivery process.");
        }

        problems.AddRange(Settings.Where(setting => setting.Value is null || !setting.Key.StartsWith("KvReplicator:", StringComparison.OrdinalIgnoreCase))
            .Select(setting => $"--setting '{setting.Key}' must be KvReplicator:Section:Key=value."));
        return problems;
    }
}
