namespace KvReplicator.DevTools.Bench;

/// <summary>The raw records of one phase, turned into its <see cref="PhaseReport"/>.</summary>
internal sealed record PhaseMeasurement(IReadOnlyList<DeliveryRecord> Records, TimeSpan Duration)
{
    private static readonly RemoteService[] s_services = [RemoteService.KeyVault, RemoteService.KeyVaultToken, RemoteService.Blob, RemoteService.SecretsManager];

    /// <summary>Calls made during the phase outside any delivery (a replicator in another process makes all of its calls so).</summary>
    public CallTally? OtherCalls { get; init; }

    /// <summary>CPU time the replicator's own process used during the phase; null when it shares the bench's process.</summary>
    public TimeSpan? ReplicatorCpu { get; init; }

    /// <summary>Distinct Key Vault versions the phase delivered; 0 when the phase does not say (then figures per version are not given).</summary>
    public int VersionsCreated { get; init; }

    /// <summary>Deliveries planned beyond the first of each event: the duplicates Event Grid would send.</summary>
    public int DuplicateDeliveries { get; init; }

    /// <summary>From starting a fresh replicator process to its /readyz and to its first version replicated.</summary>
    public ColdStartReport? ColdStart { get; init; }

    /// <summary>Rounds of one phase as one measurement: records, durations, calls and CPU added up.</summary>
    public static PhaseMeasurement Combine(IReadOnlyList<PhaseMeasurement> rounds)
    {
        var others = new CallTally();
        foreach (PhaseMeasurement round in rounds)
        {
            if (round.OtherCalls is { } calls)
            {
                others.AddAll(calls);
            }
        }

        return new PhaseMeasurement([.. rounds.SelectMany(round => round.Records)], TimeSpan.FromTicks(rounds.Sum(round => round.Duration.Ticks)))
        {
            OtherCalls = others,
            ReplicatorCpu = rounds.All(round => round.ReplicatorCpu is not null) && rounds.Count > 0
                ? TimeSpan.FromTicks(rounds.Sum(round => round.ReplicatorCpu!.Value.Ticks))
                : null,
            VersionsCreated = rounds.Sum(round => round.VersionsCreated),
            DuplicateDeliveries = rounds.Sum(round => round.DuplicateDeliveries),
        };
    }

    public PhaseReport ToReport(string name, string description, double peakWorkingSetMegabytes, PhaseProfile? profile)
    {
        // A replicator in another process does not say which 200s were new versions: its figures are per phase.
        DeliveryRecord[] replicated = [.. Records.Where(r => r.Kind is DeliveryKind.NewVersion or DeliveryKind.Acknowledged)];
        DeliveryRecord[] duplicates = [.. Records.Where(r => r.Kind == DeliveryKind.Duplicate)];
        DeliveryRecord[] nothingReplicated = [.. Records.Where(r => r.Kind is DeliveryKind.Duplicate or DeliveryKind.InFlight)];
        var all = new CallTally();
        foreach (DeliveryRecord record in Records)
        {
            all.AddAll(record.Calls);
        }

        if (OtherCalls is not null)
        {
            all.AddAll(OtherCalls);
        }

        int retryLater = Records.Count(r => r.Kind is DeliveryKind.InFlight or DeliveryKind.TransientFailure);

        return new PhaseReport
        {
            Name = name,
            Description = description,
            Deliveries = Records.Count,
            NewVersions = Records.Count(r => r.Kind == DeliveryKind.NewVersion),
            AcknowledgedDeliveries = Records.Count(r => r.Kind == DeliveryKind.Acknowledged),
            VersionsCreated = VersionsCreated,
            DuplicateDeliveries = DuplicateDeliveries,
            RetryLaterAnswers = retryLater,
            RetryLaterShareOfDuplicates = DuplicateDeliveries == 0 ? null : Math.Round((double)retryLater / DuplicateDeliveries, 4),
            Duplicates = duplicates.Length,
            InFlightRedeliveries = Records.Count(r => r.Kind == DeliveryKind.InFlight),
            TransientFailures = Records.Count(r => r.Kind == DeliveryKind.TransientFailure),
            Failures = Records.Count(r => r.Kind == DeliveryKind.Failed),
            DurationSeconds = Math.Round(Duration.TotalSeconds, 3),
            VersionsPerSecond = Duration > TimeSpan.Zero ? Math.Round((VersionsCreated > 0 ? VersionsCreated : replicated.Length) / Duration.TotalSeconds, 1) : 0,
            HandlerLatencyMs = LatencySummary.From(replicated.Select(r => r.HandlerLatency)),
            DuplicateHandlerLatencyMs = LatencySummary.From(duplicates.Select(r => r.HandlerLatency)),
            EndToEndLagMs = LatencySummary.From(replicated.Select(r => r.Lag)),
            CallsPerNewVersion = PerDelivery([.. Records.Where(r => r.Kind == DeliveryKind.NewVersion)], Records.Count(r => r.Kind == DeliveryKind.NewVersion)),
            CallsPerVersion = VersionsCreated == 0 ? null : PerVersion(all, VersionsCreated),
            ReplicatorCpuSeconds = ReplicatorCpu is { } cpu ? Math.Round(cpu.TotalSeconds, 3) : null,
            ReplicatorCpuSecondsPer1000Versions = ReplicatorCpu is { } cpuPer && VersionsCreated > 0 ? Math.Round(cpuPer.TotalSeconds * 1000 / VersionsCreated, 2) : null,
            ColdStart = ColdStart,
            MillisecondsInServicePerNewVersion = TimePerDelivery(replicated),
            CallsPerDuplicate = PerDelivery(nothingReplicated, duplicates.Length),
            TotalCalls = all.Snapshot().OrderBy(e => e.Key.Service).ThenBy(e => e.Key.Operation, StringComparer.Ordinal)
                .ToDictionary(e => Key(e.Key.Service, e.Key.Operation), e => e.Value),
            PeakWorkingSetMegabytes = peakWorkingSetMegabytes,
            Profile = profile,
        };
    }

    /// <summary>Every call of the phase divided by the versions it delivered, by service and operation, with <c>All</c> for the sum.</summary>
    private static Dictionary<string, double> PerVersion(CallTally all, int versions)
    {
        var perVersion = new Dictionary<string, double>();
        IReadOnlyDictionary<(RemoteService Service, string Operation), int> counts = all.Snapshot();
        perVersion[AllCalls] = Ratio(counts.Values.Sum(), versions);
        foreach (RemoteService service in s_services)
        {
            perVersion[Key(service, null)] = Ratio(all.Total(service), versions);
            foreach (KeyValuePair<(RemoteService Service, string Operation), int> entry in counts.Where(e => e.Key.Service == service).OrderBy(e => e.Key.Operation, StringComparer.Ordinal))
            {
                perVersion[Key(service, entry.Key.Operation)] = Ratio(entry.Value, versions);
            }
        }

        return perVersion;
    }

    /// <summary>The key of every remote call together, in <see cref="PhaseReport.CallsPerVersion"/>.</summary>
    internal const string AllCalls = "All";

    internal static string Key(RemoteService service, string? operation) => operation is null ? service.ToString() : $"{service}/{operation}";

    private static Dictionary<string, double> PerDelivery(IReadOnlyList<DeliveryRecord> records, int divisor)
    {
        var sum = new CallTally();
        foreach (DeliveryRecord record in records)
        {
            sum.AddAll(record.Calls);
        }

        var perDelivery = new Dictionary<string, double>();
        IReadOnlyDictionary<(RemoteService Service, string Operation), int> counts = sum.Snapshot();
        foreach (RemoteService service in s_services)
        {
            perDelivery[Key(service, null)] = Ratio(sum.Total(service), divisor);
            foreach (KeyValuePair<(RemoteService Service, string Operation), int> entry in counts.Where(e => e.Key.Service == service).OrderBy(e => e.Key.Operation, StringComparer.Ordinal))
            {
                perDelivery[Key(service, entry.Key.Operation)] = Ratio(entry.Value, divisor);
            }
        }

        return perDelivery;
    }

    private static Dictionary<string, double> TimePerDelivery(IReadOnlyList<DeliveryRecord> records) =>
        new[] { RemoteService.KeyVault, RemoteService.Blob, RemoteService.SecretsManager }.ToDictionary(
            service => service.ToString(),
            service => records.Count == 0 ? 0 : Math.Round(records.Sum(r => r.Calls.Time(service).TotalMilliseconds) / records.Count, 1));

    private static double Ratio(int calls, int divisor) => divisor == 0 ? 0 : Math.Round((double)calls / divisor, 3);
}
