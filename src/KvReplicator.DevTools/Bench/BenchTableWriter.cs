using System.Globalization;
using KvReplicator.Cli.Output;
using Spectre.Console;

namespace KvReplicator.DevTools.Bench;

/// <summary>Writes a <see cref="BenchReport"/> as the one table <c>kvrep-dev bench</c> prints: a row per figure, a column per phase.</summary>
internal static class BenchTableWriter
{
    public static void Write(ReportWriter output, BenchReport report)
    {
        var rows = new List<(string Label, Func<PhaseReport, string> Cell)>
        {
            ("deliveries", p => Int(p.Deliveries)),
        };
        bool perVersion = report.Phases.Any(p => p.VersionsCreated > 0);
        bool perDelivery = report.Phases.Any(p => p.NewVersions > 0);
        if (perVersion)
        {
            rows.Add(("versions delivered", p => Int(p.VersionsCreated)));
        }

        if (report.Phases.Any(p => p.AcknowledgedDeliveries > 0))
        {
            rows.Add(("answered 200 (new or already done)", p => Int(p.AcknowledgedDeliveries)));
        }

        rows.AddRange(
        [
            ("new versions replicated", p => Int(p.NewVersions)),
            ("duplicates (ledger: already done)", p => Int(p.Duplicates)),
            ("in-flight answers (redelivered)", p => Int(p.InFlightRedeliveries)),
            ("transient failures / failures", p => $"{p.TransientFailures} / {p.Failures}"),
        ]);
        if (report.Phases.Any(p => p.DuplicateDeliveries > 0))
        {
            rows.Add(("retry-later answers / duplicates", p => p.RetryLaterShareOfDuplicates is { } share
                ? string.Create(CultureInfo.InvariantCulture, $"{p.RetryLaterAnswers}/{p.DuplicateDeliveries} ({share:P1})")
                : Int(p.RetryLaterAnswers)));
        }

        rows.AddRange(
        [
            ("duration s", p => Num(p.DurationSeconds, "0.00")),
            ("versions/s", p => Num(p.VersionsPerSecond, "0.0")),
            ("handler latency ms p50/p95/p99", p => Latency(p.HandlerLatencyMs, withP95: true)),
            ("duplicate handler latency ms p50/p99", p => Latency(p.DuplicateHandlerLatencyMs, withP95: false)),
            ("end-to-end lag ms p50/p99", p => Latency(p.EndToEndLagMs, withP95: false)),
        ]);
        if (report.Phases.Any(p => p.ReplicatorCpuSeconds is not null))
        {
            rows.Add(("replicator process CPU s", p => p.ReplicatorCpuSeconds is { } cpu ? Num(cpu, "0.00") : "-"));
            rows.Add(("  per 1000 versions", p => p.ReplicatorCpuSecondsPer1000Versions is { } cpu ? Num(cpu, "0.00") : "-"));
        }

        if (report.Phases.Any(p => p.ColdStart is not null))
        {
            rows.Add(("cold start ms: ready / first version", p => p.ColdStart is { } cold ? string.Create(CultureInfo.InvariantCulture, $"{cold.ReadyMs:0}/{cold.FirstVersionMs:0}") : "-"));
        }

        if (perVersion)
        {
            rows.Add(("all calls per version", p => Num(p.CallsPerVersion?.GetValueOrDefault(PhaseMeasurement.AllCalls) ?? 0, "0.00")));
            AddCallRows(rows, report, "per version", p => p.CallsPerVersion ?? new Dictionary<string, double>());
        }

        if (perDelivery)
        {
            rows.Add(("ms waiting on KV/Blob/SM per new version", p => string.Create(CultureInfo.InvariantCulture,
                $"{p.MillisecondsInServicePerNewVersion.GetValueOrDefault("KeyVault"):0}/{p.MillisecondsInServicePerNewVersion.GetValueOrDefault("Blob"):0}/{p.MillisecondsInServicePerNewVersion.GetValueOrDefault("SecretsManager"):0}")));
            AddCallRows(rows, report, "per new version", p => p.CallsPerNewVersion);
            AddCallRows(rows, report, "per duplicate", p => p.CallsPerDuplicate);
        }
        rows.Add(("peak working set MB (so far)", p => Num(p.PeakWorkingSetMegabytes, "0.0")));
        if (report.Phases.Any(p => p.Profile is not null))
        {
            rows.Add(("profile: CPU s", p => Num(p.Profile?.CpuSeconds ?? 0, "0.00")));
            rows.Add(("profile: allocated MB", p => Num(p.Profile?.AllocatedMegabytes ?? 0, "0.0")));
            rows.Add(("profile: GC gen0/gen1/gen2", p => p.Profile is { } profile ? $"{profile.Gen0Collections}/{profile.Gen1Collections}/{profile.Gen2Collections}" : "-"));
            rows.Add(("profile: lock contentions", p => Int((int)(p.Profile?.LockContentions ?? 0))));
            rows.Add(("profile: connections opened KV/Blob/SM", p => p.Profile is { } profile
                ? $"{profile.ConnectionsOpened.GetValueOrDefault("KeyVault")}/{profile.ConnectionsOpened.GetValueOrDefault("Blob")}/{profile.ConnectionsOpened.GetValueOrDefault("SecretsManager")}"
                : "-"));
            rows.Add(("profile: max thread-pool threads", p => Int(p.Profile?.MaxThreadPoolThreads ?? 0)));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"kvrep-dev bench: {report.Secrets} secrets x {report.VersionsPerSecret} versions, concurrency {report.Concurrency}, duplicate rate {report.DuplicateRate:0.##}, {(report.Shuffled ? $"shuffled (seed {report.Seed})" : "in creation order")}, {(report.RotationRounds ? "steady state in rotation rounds" : "steady state in one burst")}, {report.Schema}"));
        output.WriteLine($"delivery: {report.Delivery}");
        if (report.Patterns.Count > 0 && !report.Patterns.SequenceEqual(["phases"]))
        {
            output.WriteLine($"patterns: {string.Join(", ", report.Patterns)}");
        }

        foreach (string replicator in report.Replicators)
        {
            output.WriteLine($"kvrep: {replicator}");
        }

        if (report.Settings.Count > 0)
        {
            output.WriteLine($"settings overridden: {string.Join(", ", report.Settings)}");
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"machine: {report.Machine.Processors} processors, {report.Machine.MemoryGigabytes:0.#} GB, {report.Machine.OperatingSystem}, {report.Machine.Runtime}"));
        foreach (PhaseReport phase in report.Phases)
        {
            output.WriteLine($"  {phase.Name}: {phase.Description}");
        }

        var table = new ReportTable().AddColumns(string.Empty);
        foreach (PhaseReport phase in report.Phases)
        {
            table.AddColumn(phase.Name, Justify.Right);
        }

        foreach ((string label, Func<PhaseReport, string> cell) in rows)
        {
            table.AddRow([label, .. report.Phases.Select(phase => (ReportText)cell(phase))]);
        }

        output.Write(table);
        BenchVerification check = report.Verification;
        output.WriteLine(new ReportText(
            $"in Secrets Manager: {check.ReplicatedVersions} of {check.WrittenVersions} Key Vault versions, {check.MissingVersions} missing, {check.ExtraAwsVersions} extra, {check.WrongCurrentVersions} with the wrong AWSCURRENT: {(check.IsConsistent ? "consistent" : "NOT CONSISTENT")}",
            check.IsConsistent ? null : Color.Red));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peak working set {report.PeakWorkingSetMegabytes:0.0} MB (bench process incl. the local Key Vault; moto and Azurite not included); total {report.TotalSeconds:0.0} s"));
    }

    private static void AddCallRows(List<(string, Func<PhaseReport, string>)> rows, BenchReport report, string per, Func<PhaseReport, IReadOnlyDictionary<string, double>> calls)
    {
        string[] keys = [.. report.Phases.SelectMany(p => calls(p).Keys).Distinct(StringComparer.Ordinal)];
        foreach (RemoteService service in new[] { RemoteService.KeyVault, RemoteService.KeyVaultToken, RemoteService.Blob, RemoteService.SecretsManager })
        {
            string serviceKey = PhaseMeasurement.Key(service, null);
            rows.Add(($"{ServiceLabel(service)} {per}", p => Num(calls(p).GetValueOrDefault(serviceKey), "0.00")));
            foreach (string key in keys.Where(k => k.StartsWith(serviceKey + "/", StringComparison.Ordinal)))
            {
                rows.Add(($"  {key[(serviceKey.Length + 1)..]}", p => Num(calls(p).GetValueOrDefault(key), "0.00")));
            }
        }
    }

    private static string ServiceLabel(RemoteService service) => service switch
    {
        RemoteService.KeyVault => "Key Vault calls",
        RemoteService.KeyVaultToken => "Key Vault token fetches",
        RemoteService.Blob => "Blob calls",
        _ => "Secrets Manager calls",
    };

    private static string Latency(LatencySummary latency, bool withP95) =>
        latency.Count == 0 ? "-"
        : withP95 ? string.Create(CultureInfo.InvariantCulture, $"{latency.P50:0.0}/{latency.P95:0.0}/{latency.P99:0.0}")
        : string.Create(CultureInfo.InvariantCulture, $"{latency.P50:0.0}/{latency.P99:0.0}");

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Num(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
