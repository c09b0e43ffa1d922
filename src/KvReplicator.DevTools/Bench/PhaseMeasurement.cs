namespace KvReplicator.DevTools.Bench;

/// <summary>The raw records of one phase, turned into its <see cref="PhaseReport"/>.</summary>
internal sealed record PhaseMeasurement(IReadOnlyList<DeliveryRecord> Records, TimeSpan Duration)
{
    private static readonly RemoteService[] s_services = [RemoteService.KeyVault, RemoteService.KeyVaultToken, RemoteService.Blob, RemoteService.SecretsManager];

    public PhaseReport ToReport(string name, string description, double peakWorkingSetMegabytes, PhaseProfile? profile)
    {
        DeliveryRecord[] replicated = [.. Records.Where(r => r.Kind == DeliveryKind.NewVersion)];
        DeliveryRecord[] duplicates = [.. Records.Where(r => r.Kind == DeliveryKind.Duplicate)];
        DeliveryRecord[] nothingReplicated = [.. Records.Where(r => r.Kind is DeliveryKind.Duplicate or DeliveryKind.InFlight)];
        var all = new CallTally();
        foreach (DeliveryRecord record in Records)
        {
            all.AddAll(record.Calls);
        }

        return new PhaseReport
        {
            Name = name,
            Description = description,
            Deliveries = Records.Count,
            NewVersions = replicated.Length,
            Duplicates = duplicates.Length,
            InFlightRedeliveries = Records.Count(r => r.Kind == DeliveryKind.InFlight),
            TransientFailures = Records.Count(r => r.Kind == DeliveryKind.TransientFailure),
            Failures = Records.Count(r => r.Kind == DeliveryKind.Failed),
            DurationSeconds = Math.Round(Duration.TotalSeconds, 3),
            VersionsPerSecond = Duration > TimeSpan.Zero ? Math.Round(replicated.Length / Duration.TotalSeconds, 1) : 0,
            HandlerLatencyMs = LatencySummary.From(replicated.Select(r => r.HandlerLatency)),
            DuplicateHandlerLatencyMs = LatencySummary.From(duplicates.Select(r => r.HandlerLatency)),
            EndToEndLagMs = LatencySummary.From(replicated.Select(r => r.Lag)),
            CallsPerNewVersion = PerDelivery(replicated, replicated.Length),
            MillisecondsInServicePerNewVersion = TimePerDelivery(replicated),
            CallsPerDuplicate = PerDelivery(nothingReplicated, duplicates.Length),
            TotalCalls = all.Snapshot().OrderBy(e => e.Key.Service).ThenBy(e => e.Key.Operation, StringComparer.Ordinal)
                .ToDictionary(e => Key(e.Key.Service, e.Key.Operation), e => e.Value),
            PeakWorkingSetMegabytes = peakWorkingSetMegabytes,
            Profile = profile,
        };
    }

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
