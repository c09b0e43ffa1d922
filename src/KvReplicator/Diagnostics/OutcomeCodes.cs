using System.Buffers;

namespace KvReplicator.Diagnostics;

/// <summary>
/// The bounded tag values of an outcome: its kind, and a reason code for its free-text reason. Reasons name
/// secrets, vaults and settings, so they stay in the log line; metrics and spans get the code.
/// </summary>
/// <remarks>
/// The code comes from what the outcome says structurally (no version, coalesced, superseded, the store's error
/// code) and otherwise from the fixed opening words of the replicator's reasons. A reason this table does not know
/// is counted as <c>other</c>, never as its text: a new reason shows up on the dashboard as <c>other</c> until it
/// is added here.
/// </remarks>
internal static class OutcomeCodes
{
    public const string None = "none";
    public const string Other = "other";

    // Store error codes (Secrets Manager's __type, Key Vault's and Blob's error codes, the ledger's own) are
    // identifiers; anything else a server might send is not used as a tag.
    private static readonly SearchValues<char> s_codeCharacters =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.");

    private static readonly (string Prefix, string Code)[] s_skipped =
    [
        ("secret is excluded", "excluded"),
        ("secret name matches", "excluded"),
        ("secret lacks the opt-in tag", "not_opted_in"),
        ("secret's opt-in tag", "not_opted_in"),
        ("version no longer exists", "version_not_found"),
        ("version is disabled", "version_disabled"),
        ("secret no longer has an enabled version", "no_enabled_version"),
        ("secret backs a Key Vault certificate", "certificate_backed"),
    ];

    private static readonly (string Prefix, string Code)[] s_retryLater =
    [
        ("a concurrent delivery of this version failed", "concurrent_delivery_failed"),
        ("other versions of this secret are being written", "secret_busy"),
        ("another instance is writing this secret", "locked_elsewhere"),
        ("the secret's ledger record kept changing", "ledger_contention"),
    ];

    private static readonly (string Prefix, string Code)[] s_rejected =
    [
        ("event is from vault", "wrong_vault"),
        ("target name would", "invalid_target_name"),
    ];

    public static string Kind(ReplicationOutcomeKind kind) => kind switch
    {
        ReplicationOutcomeKind.Replicated => "replicated",
        ReplicationOutcomeKind.AlreadyDone => "already_done",
        ReplicationOutcomeKind.Skipped => "skipped",
        ReplicationOutcomeKind.RetryLater => "retry_later",
        _ => "rejected",
    };

    public static string Disposition(DeliveryDisposition disposition) => disposition switch
    {
        DeliveryDisposition.Completed => "ok",
        DeliveryDisposition.RetryLater => "transient",
        _ => "permanent",
    };

    public static string Reason(ReplicationOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Kind switch
        {
            ReplicationOutcomeKind.Replicated => outcome.Superseded ? "superseded" : None,
            ReplicationOutcomeKind.AlreadyDone => None,
            ReplicationOutcomeKind.Skipped when outcome.CoalescedInto is not null => "coalesced",
            ReplicationOutcomeKind.Skipped when outcome.Version is null => "ignored_event",
            ReplicationOutcomeKind.Skipped => ByPrefix(outcome.Reason, s_skipped),
            ReplicationOutcomeKind.Rejected when outcome.Version is null => "malformed_event",
            ReplicationOutcomeKind.RetryLater => StoreCode(outcome.ErrorCode) ?? ByPrefix(outcome.Reason, s_retryLater, "transient_failure"),
            _ => StoreCode(outcome.ErrorCode) ?? ByPrefix(outcome.Reason, s_rejected, "permanent_failure"),
        };
    }

    /// <summary>The store's error code when it is an identifier of a sensible length, else null.</summary>
    internal static string? StoreCode(string? errorCode) =>
        errorCode is { Length: > 0 and <= 64 } && !errorCode.AsSpan().ContainsAnyExcept(s_codeCharacters) ? errorCode : null;

    // A failure caught by the replicator reads "<step> failed: …" and carries no code of its own.
    private static string ByPrefix(string? reason, (string Prefix, string Code)[] table, string? failure = null)
    {
        if (reason is null)
        {
            return Other;
        }

        foreach ((string prefix, string code) in table)
        {
            if (reason.StartsWith(prefix, StringComparison.Ordinal))
            {
                return code;
            }
        }

        return failure is not null && reason.Contains(" failed: ", StringComparison.Ordinal) ? failure : Other;
    }
}
