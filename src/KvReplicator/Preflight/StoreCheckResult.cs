namespace KvReplicator.Preflight;

/// <summary>What one <see cref="IStoreCheck"/> found. Its text names settings and addresses, never a key or a value.</summary>
internal sealed record StoreCheckResult
{
    /// <summary>What was checked: a vault's address, a container, a region and endpoint; never a connection string.</summary>
    public required string Target { get; init; }

    public required PreflightStatus Status { get; init; }

    /// <summary>One line: what answered, or what failed and which setting to check.</summary>
    public required string Detail { get; init; }

    public PreflightFailure Failure { get; init; }

    public static StoreCheckResult Passed(string target, string detail) => new() { Target = target, Status = PreflightStatus.Passed, Detail = detail };

    public static StoreCheckResult Skipped(string target, string detail) => new() { Target = target, Status = PreflightStatus.Skipped, Detail = detail };

    public static StoreCheckResult Failed(string target, string detail, PreflightFailure failure) =>
        new() { Target = target, Status = PreflightStatus.Failed, Detail = detail, Failure = failure };

    /// <summary>A store's own classified failure: permanent ones are refusals, transient ones unavailability.</summary>
    public static StoreCheckResult Failed(string target, SecretStoreException exception) =>
        Failed(target, exception.Message, exception.IsTransient ? PreflightFailure.Unavailable : PreflightFailure.Refused);
}
