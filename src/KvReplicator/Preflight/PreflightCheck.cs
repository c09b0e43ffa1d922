namespace KvReplicator.Preflight;

/// <summary>One line of the checklist: a store, what of it was checked, and how that went.</summary>
internal sealed record PreflightCheck(string Store, string Target, PreflightStatus Status, string Detail, PreflightFailure Failure = PreflightFailure.None);
