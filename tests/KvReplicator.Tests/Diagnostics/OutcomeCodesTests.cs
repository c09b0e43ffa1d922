using KvReplicator.Diagnostics;
using KvReplicator.Events;
using KvReplicator.Replication;

namespace KvReplicator.Tests.Diagnostics;

public sealed class OutcomeCodesTests
{
    private static readonly SecretVersionRef s_version = new("vault", "db-password", "0123456789abcdef0123456789abcdef");

    [Theory]
    [InlineData("secret is excluded from replication", "excluded")]
    [InlineData("secret name matches an exclude pattern", "excluded")]
    [InlineData("secret name matches no include pattern", "excluded")]
    [InlineData("secret lacks the opt-in tag 'replicate'", "not_opted_in")]
    [InlineData("secret's opt-in tag 'replicate' is not 'true'", "not_opted_in")]
    [InlineData("version no longer exists in Key Vault", "version_not_found")]
    [InlineData("version is disabled in Key Vault", "version_disabled")]
    [InlineData("secret no longer has an enabled version in Key Vault", "no_enabled_version")]
    [InlineData("secret backs a Key Vault certificate; its private key stays in Key Vault", "certificate_backed")]
    [InlineData("a reason nobody wrote a code for", "other")]
    public void Skipped_reasons_become_codes(string reason, string code) =>
        Assert.Equal(code, OutcomeCodes.Reason(ReplicationOutcome.Skipped(s_version, reason)));

    [Theory]
    [InlineData("a concurrent delivery of this version failed; retry", null, "concurrent_delivery_failed")]
    [InlineData("other versions of this secret are being written; retry", null, "secret_busy")]
    [InlineData("another instance is writing this secret; retry", null, "locked_elsewhere")]
    [InlineData("the secret's ledger record kept changing; retry", null, "ledger_contention")]
    [InlineData("replication failed: timed out", null, "transient_failure")]
    [InlineData("replication failed: Secrets Manager PutSecretValue failed: ThrottlingException (HTTP 400)", "ThrottlingException", "ThrottlingException")]
    public void Retry_later_reasons_become_codes_and_a_stores_error_code_wins(string reason, string? errorCode, string code) =>
        Assert.Equal(code, OutcomeCodes.Reason(ReplicationOutcome.RetryLater(s_version, reason) with { ErrorCode = errorCode }));

    [Theory]
    [InlineData("event is from vault 'other', this replicator reads 'vault'", null, "wrong_vault")]
    [InlineData("target name would be 600 characters; Secrets Manager allows 512", null, "invalid_target_name")]
    [InlineData("replication failed: the target is not ours", "ForeignSecret", "ForeignSecret")]
    [InlineData("replication failed: unexpected AggregateException", null, "permanent_failure")]
    // An error code is a tag only when it is an identifier: a server's free text is not.
    [InlineData("replication failed: odd answer", "not a code: secret=hunter2", "permanent_failure")]
    public void Rejected_reasons_become_codes(string reason, string? errorCode, string code) =>
        Assert.Equal(code, OutcomeCodes.Reason(ReplicationOutcome.Rejected(s_version, reason) with { ErrorCode = errorCode }));

    [Fact]
    public void Structural_outcomes_have_their_own_codes()
    {
        Assert.Equal("none", OutcomeCodes.Reason(new ReplicationOutcome { Kind = ReplicationOutcomeKind.Replicated, Version = s_version }));
        Assert.Equal("superseded", OutcomeCodes.Reason(new ReplicationOutcome { Kind = ReplicationOutcomeKind.Replicated, Version = s_version, Superseded = true }));
        Assert.Equal("none", OutcomeCodes.Reason(ReplicationOutcome.AlreadyDone(s_version, "kv/db-password")));
        Assert.Equal("coalesced", OutcomeCodes.Reason(ReplicationOutcome.Skipped(s_version, "kept out of AWS: 6 recent versions") with { CoalescedInto = "ffff" }));
        Assert.Equal("ignored_event", OutcomeCodes.Reason(ReplicationOutcome.Skipped(null, "event type Microsoft.KeyVault.SecretNearExpiry is not replicated")));
        Assert.Equal("malformed_event", OutcomeCodes.Reason(ReplicationOutcome.Rejected(null, "not valid JSON")));
    }

    [Fact]
    public void Kinds_and_dispositions_have_the_names_the_dashboards_query()
    {
        Assert.Equal(
            ["replicated", "already_done", "skipped", "retry_later", "rejected"],
            Enum.GetValues<ReplicationOutcomeKind>().Select(OutcomeCodes.Kind));
        Assert.Equal(["ok", "transient", "permanent"], Enum.GetValues<DeliveryDisposition>().Select(OutcomeCodes.Disposition));
    }
}
