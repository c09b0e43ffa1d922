namespace KvReplicator.Preflight;

/// <summary>Every check of one preflight, in the order they ran.</summary>
internal sealed record PreflightReport(IReadOnlyList<PreflightCheck> Checks)
{
    /// <summary>True when no check failed (skipped ones do not count against it).</summary>
    public bool Passed => Checks.All(check => check.Status != PreflightStatus.Failed);

    public IEnumerable<PreflightCheck> Failures => Checks.Where(check => check.Status == PreflightStatus.Failed);

    /// <summary>
    /// The failure that decides what to do first: a setting (fix the configuration) before a refusal (fix a setting
    /// or a role assignment) before unavailability (wait or fix the network); <see cref="PreflightFailure.None"/> when all passed.
    /// </summary>
    public PreflightFailure Worst =>
        Failures.Select(check => check.Failure).DefaultIfEmpty(PreflightFailure.None)
            .OrderBy(failure => failure switch { PreflightFailure.Settings => 0, PreflightFailure.Refused => 1, PreflightFailure.Unavailable => 2, _ => 3 })
            .First();
}
