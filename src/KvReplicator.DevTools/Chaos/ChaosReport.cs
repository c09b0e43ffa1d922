using System.Globalization;
using KvReplicator.Cli.Output;
using Spectre.Console;

namespace KvReplicator.DevTools.Chaos;

/// <summary>The figures of a chaos run and what its final checks found. <see cref="Passed"/> only when every check holds.</summary>
public sealed record ChaosReport
{
    public required ChaosOptions Options { get; init; }

    public required int SecretsCreated { get; init; }

    public required int VersionsCreated { get; init; }

    public required int VersionsDisabled { get; init; }

    public required IReadOnlyDictionary<string, long> Faults { get; init; }

    public required long FaultsTotal { get; init; }

    public required IReadOnlyDictionary<string, long> Crashes { get; init; }

    public required IReadOnlyDictionary<string, long> Deliveries { get; init; }

    public required IReadOnlyDictionary<string, long> Outcomes { get; init; }

    public required IReadOnlyList<DeadLetter> DeadLetters { get; init; }

    /// <summary>Enabled Key Vault versions that never reached Secrets Manager, with no dead letter to say so.</summary>
    public required int LostVersions { get; init; }

    /// <summary>Superseded versions coalesced by design into a newer version AWS holds (docs/reliability.md §5).</summary>
    public int CoalescedVersions { get; init; }

    /// <summary>Enabled versions not in Secrets Manager because Event Grid dead-lettered their event (replayable).</summary>
    public required int AwaitingReplay { get; init; }

    /// <summary>Secrets Manager versions that are not one Key Vault version each (a version written twice).</summary>
    public required int DuplicatedVersions { get; init; }

    /// <summary>Secrets whose AWSCURRENT is not the newest enabled Key Vault version.</summary>
    public required int WrongCurrent { get; init; }

    /// <summary>Secrets Manager versions whose value differs from their Key Vault version's.</summary>
    public required int WrongValues { get; init; }

    /// <summary>Ledger markers still claimed (or unreadable) when every delivery has been answered, dead letters aside.</summary>
    public required int MarkersInFlight { get; init; }

    public required int MarkersDone { get; init; }

    public required long LogEntries { get; init; }

    /// <summary>Log entries that contained a secret value.</summary>
    public required long LogLeaks { get; init; }

    public required IReadOnlyList<string> HandlerExceptions { get; init; }

    /// <summary>Up to twenty examples of what the checks found.</summary>
    public required IReadOnlyList<string> Findings { get; init; }

    public required TimeSpan VirtualTime { get; init; }

    public required TimeSpan WallTime { get; init; }

    public bool Passed =>
        LostVersions == 0 && DuplicatedVersions == 0 && WrongCurrent == 0 && WrongValues == 0 && MarkersInFlight == 0 &&
        LogLeaks == 0 && HandlerExceptions.Count == 0 && DeadLetters.Count == 0;

    /// <summary>The report as plain text, as <c>kvrep-dev chaos</c> prints it to a pipe or a file.</summary>
    public string ToText()
    {
        var text = new StringWriter { NewLine = "\n" };
        Write(new ReportWriter(text));
        return text.ToString();
    }

    internal void Write(ReportWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Invariant($"chaos run: seed {Options.Seed}, {VersionsCreated} versions of {SecretsCreated} secrets ({VersionsDisabled} disabled at birth), {Options.Parallelism} handlers at once"));
        output.WriteLine(Invariant($"  {VirtualTime.TotalHours:F1} h of Event Grid time in {WallTime.TotalSeconds:F1} s"));
        output.Write(Counts($"faults injected: {FaultsTotal}", Faults));
        output.Write(Counts($"handler crashes: {Crashes.Values.Sum()}", Crashes));
        output.Write(Counts("deliveries:", Deliveries));
        output.Write(Counts("event outcomes:", Outcomes));

        var checks = new ReportTable { Title = "checks:" }.AddColumns(string.Empty).AddColumn(string.Empty, Justify.Right).AddColumns(string.Empty);
        checks.AddRow("lost versions", ReportText.Problems(LostVersions), Invariant($"({CoalescedVersions} coalesced by design into a newer version AWS holds)"));
        checks.AddRow("versions written twice", ReportText.Problems(DuplicatedVersions));
        checks.AddRow("AWSCURRENT not newest enabled", ReportText.Problems(WrongCurrent));
        checks.AddRow("wrong values", ReportText.Problems(WrongValues));
        checks.AddRow("markers left in flight", ReportText.Problems(MarkersInFlight), Invariant($"(done: {MarkersDone})"));
        checks.AddRow("dead-lettered events", ReportText.Problems(DeadLetters.Count), Invariant($"({AwaitingReplay} versions await a replay)"));
        checks.AddRow("exceptions out of the handler", ReportText.Problems(HandlerExceptions.Count));
        checks.AddRow("log entries with a value", ReportText.Problems(LogLeaks), Invariant($"of {LogEntries}"));
        output.Write(checks);
        foreach (string finding in Findings)
        {
            output.WriteLine(new ReportText($"  ! {finding}", Color.Red));
        }

        output.WriteLine(Passed ? new ReportText("PASSED", Color.Green) : new ReportText("FAILED", Color.Red));
    }

    private static ReportTable Counts(string title, IReadOnlyDictionary<string, long> counts)
    {
        var table = new ReportTable { Title = title }.AddColumns(string.Empty).AddColumn(string.Empty, Justify.Right);
        foreach (KeyValuePair<string, long> count in counts)
        {
            table.AddRow(count.Key, count.Value.ToString(CultureInfo.InvariantCulture));
        }

        return table;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
