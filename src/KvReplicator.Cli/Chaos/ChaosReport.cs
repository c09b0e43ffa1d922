using System.Text;

namespace KvReplicator.Cli.Chaos;

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

    public string ToText()
    {
        var text = new StringBuilder();
        Line(text, $"chaos run: seed {Options.Seed}, {VersionsCreated} versions of {SecretsCreated} secrets ({VersionsDisabled} disabled at birth), {Options.Parallelism} handlers at once");
        Line(text, $"  {VirtualTime.TotalHours:F1} h of Event Grid time in {WallTime.TotalSeconds:F1} s");
        Line(text, $"faults injected: {FaultsTotal}");
        Section(text, Faults);
        Line(text, $"handler crashes: {Crashes.Values.Sum()}");
        Section(text, Crashes);
        Line(text, "deliveries:");
        Section(text, Deliveries);
        Line(text, "event outcomes:");
        Section(text, Outcomes);
        Line(text, "checks:");
        Line(text, $"  lost versions                 {LostVersions}");
        Line(text, $"  versions written twice        {DuplicatedVersions}");
        Line(text, $"  AWSCURRENT not newest enabled {WrongCurrent}");
        Line(text, $"  wrong values                  {WrongValues}");
        Line(text, $"  markers left in flight        {MarkersInFlight} (done: {MarkersDone})");
        Line(text, $"  dead-lettered events          {DeadLetters.Count} ({AwaitingReplay} versions await a replay)");
        Line(text, $"  exceptions out of the handler {HandlerExceptions.Count}");
        Line(text, $"  log entries with a value      {LogLeaks} of {LogEntries}");
        foreach (string finding in Findings)
        {
            Line(text, $"  ! {finding}");
        }

        Line(text, Passed ? "PASSED" : "FAILED");
        return text.ToString();
    }

    private static void Section(StringBuilder text, IReadOnlyDictionary<string, long> counts)
    {
        foreach (KeyValuePair<string, long> count in counts)
        {
            Line(text, $"  {count.Key,-40} {count.Value,8}");
        }
    }

    private static void Line(StringBuilder text, string line) => text.Append(line).Append('\n');
}
