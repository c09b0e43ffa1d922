using Azure;
using Azure.Identity;
using KvReplicator.KeyVault;
using KvReplicator.Replication;

namespace KvReplicator.Tests.KeyVault;

public sealed class KeyVaultFailuresTests
{
    private const string EchoedBody = "{\"error\":{\"message\":\"hunter2\"}}";

    [Theory]
    [InlineData(400, false)]
    [InlineData(404, false)]
    [InlineData(401, true)]
    [InlineData(403, true)]
    [InlineData(408, true)]
    [InlineData(409, true)]
    [InlineData(429, true)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    public void A_response_failure_is_classified_by_status_and_keeps_only_status_and_code(int status, bool transient)
    {
        var failure = new RequestFailedException(status, EchoedBody, "BadParameter", null);

        SecretStoreException mapped = KeyVaultFailures.ToStoreException(failure, "read of a secret version", "db-password");

        Assert.Equal(transient, mapped.IsTransient);
        Assert.Equal("BadParameter", mapped.ErrorCode);
        Assert.Equal($"Key Vault read of a secret version of 'db-password' failed: HTTP {status}, error code BadParameter.", mapped.Message);
        Assert.Null(mapped.InnerException);
    }

    [Theory]
    [InlineData("hunter2hunter2")]
    [InlineData("SomeCode")]
    [InlineData("value: hunter2hunter2")]
    public void An_error_code_Key_Vault_does_not_document_is_neither_shown_nor_kept_since_a_hop_may_have_put_the_value_there(string code)
    {
        var failure = new RequestFailedException(500, EchoedBody, code, null);

        SecretStoreException mapped = KeyVaultFailures.ToStoreException(failure, "read of a secret version", "db-password");

        Assert.True(mapped.IsTransient);
        Assert.Null(mapped.ErrorCode);
        Assert.Equal("Key Vault read of a secret version of 'db-password' failed: HTTP 500, an error code Key Vault does not document (not shown).", mapped.Message);
    }

    [Fact]
    public void No_response_at_all_is_transient_and_names_the_kind_of_network_error()
    {
        var failure = new RequestFailedException(0, EchoedBody, null, new HttpRequestException("connection refused to " + EchoedBody));

        SecretStoreException mapped = KeyVaultFailures.ToStoreException(failure, "listing of versions", "s");

        Assert.True(mapped.IsTransient);
        Assert.Contains(nameof(HttpRequestException), mapped.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", mapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_credential_failure_or_a_timeout_is_transient()
    {
        SecretStoreException credential = KeyVaultFailures.ToStoreException(new CredentialUnavailableException(EchoedBody), "read", null);
        SecretStoreException timeout = KeyVaultFailures.ToStoreException(new TaskCanceledException(EchoedBody), "read", null);

        Assert.True(credential.IsTransient);
        Assert.Equal("AuthenticationFailed", credential.ErrorCode);
        Assert.True(timeout.IsTransient);
        Assert.Equal("Timeout", timeout.ErrorCode);
        Assert.DoesNotContain("hunter2", credential.Message + timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_service_failures_and_timeouts_not_asked_for_are_store_failures()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.True(KeyVaultFailures.IsStoreFailure(new RequestFailedException(500, "x"), CancellationToken.None));
        Assert.True(KeyVaultFailures.IsStoreFailure(new TaskCanceledException(), CancellationToken.None));
        Assert.False(KeyVaultFailures.IsStoreFailure(new OperationCanceledException(cancelled.Token), cancelled.Token));
        Assert.False(KeyVaultFailures.IsStoreFailure(new InvalidOperationException(), CancellationToken.None));
    }

    [Theory]
    [InlineData(403, "Forbidden", "Operation get is not allowed on a disabled secret.", true)]
    [InlineData(403, "Forbidden", "The user, group or application does not have secrets get permission.", false)]
    [InlineData(401, "Forbidden", "Operation get is not allowed on a disabled secret.", false)]
    public void A_disabled_secret_is_told_apart_from_a_missing_permission(int status, string code, string message, bool disabled)
    {
        var failure = new RequestFailedException(status, message, code, null);

        Assert.Equal(disabled, KeyVaultFailures.IsDisabledSecret(failure));
    }
}
