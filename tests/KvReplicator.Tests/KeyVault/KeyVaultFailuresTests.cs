using System.Net.Sockets;
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

    [Theory]
    [InlineData(401, "Unauthorized", "KvReplicator:AzureCredential:Source")]
    [InlineData(403, "Forbidden", "Key Vault Secrets User")]
    [InlineData(403, "ForbiddenByFirewall", "firewall")]
    public void A_refusal_is_permanent_and_says_what_to_fix(int status, string code, string hint)
    {
        var failure = new RequestFailedException(status, EchoedBody, code, null);

        SecretStoreException mapped = KeyVaultFailures.ToStoreException(failure, "listing of secrets", null);

        // Retrying for a day does not grant a role: the event is dead-lettered, and replayed once someone has.
        Assert.False(mapped.IsTransient);
        Assert.StartsWith($"Key Vault listing of secrets failed: HTTP {status}, error code {code}.", mapped.Message, StringComparison.Ordinal);
        Assert.Contains(hint, mapped.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", mapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_listing_answered_404_without_a_vault_error_code_names_the_vault_uri()
    {
        SecretStoreException mapped = KeyVaultFailures.ToStoreException(new RequestFailedException(404, EchoedBody, null, null), "listing of secrets", null);

        Assert.False(mapped.IsTransient);
        Assert.Contains("KvReplicator:KeyVault:VaultUri", mapped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_credential_failure_or_a_timeout_is_transient()
    {
        SecretStoreException unavailable = KeyVaultFailures.ToStoreException(new CredentialUnavailableException(EchoedBody), "read", null);
        SecretStoreException refused = KeyVaultFailures.ToStoreException(new AuthenticationFailedException(EchoedBody), "read", null);
        SecretStoreException timeout = KeyVaultFailures.ToStoreException(new TaskCanceledException(EchoedBody), "read", null);

        Assert.True(unavailable.IsTransient);
        Assert.Equal("CredentialUnavailable", unavailable.ErrorCode);
        Assert.Contains("KvReplicator:AzureCredential:Source", unavailable.Message, StringComparison.Ordinal);
        Assert.True(refused.IsTransient);
        Assert.Equal("AuthenticationFailed", refused.ErrorCode);
        Assert.True(timeout.IsTransient);
        Assert.Equal("Timeout", timeout.ErrorCode);
        Assert.DoesNotContain("hunter2", unavailable.Message + refused.Message + timeout.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_untrusted_tls_certificate_is_permanent_and_names_the_pin()
    {
        var failure = new RequestFailedException(0, EchoedBody, null, new HttpRequestException(HttpRequestError.SecureConnectionError, EchoedBody));

        SecretStoreException mapped = KeyVaultFailures.ToStoreException(failure, "read of the latest version", "db-password");

        Assert.False(mapped.IsTransient);
        Assert.Equal("TlsTrust", mapped.ErrorCode);
        Assert.Contains("KvReplicator:KeyVault:TrustedServerCertificateThumbprint", mapped.Message, StringComparison.Ordinal);
        Assert.True(KeyVaultFailures.IsPermanentTransportFailure(failure));
        Assert.DoesNotContain("hunter2", mapped.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(SocketError.HostNotFound, false)]
    [InlineData(SocketError.TryAgain, true)]
    public void A_host_that_does_not_exist_is_permanent_and_a_resolver_that_did_not_answer_is_not(SocketError socketError, bool transient)
    {
        var failure = new RequestFailedException(0, EchoedBody, null,
            new HttpRequestException(HttpRequestError.NameResolutionError, EchoedBody, new SocketException((int)socketError)));

        SecretStoreException mapped = KeyVaultFailures.ToStoreException(failure, "listing of secrets", null);

        Assert.Equal(transient, mapped.IsTransient);
        Assert.Equal(!transient, KeyVaultFailures.IsPermanentTransportFailure(failure));
        if (!transient)
        {
            Assert.Contains("KvReplicator:KeyVault:VaultUri", mapped.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Azure_cores_aggregate_of_its_retries_is_a_store_failure_classified_by_the_last_attempt()
    {
        // What the SDK throws for a wrong pin after its retries: the failure behind "unexpected AggregateException".
        RequestFailedException Attempt() => new(0, EchoedBody, null, new HttpRequestException(HttpRequestError.SecureConnectionError, EchoedBody));
        var retries = new AggregateException("Retry failed after 4 tries.", Attempt(), Attempt(), Attempt(), Attempt());

        Assert.True(KeyVaultFailures.IsStoreFailure(retries, CancellationToken.None));
        SecretStoreException mapped = KeyVaultFailures.ToStoreException(retries, "read of the latest version", "db-password");
        Assert.False(mapped.IsTransient);
        Assert.Equal("TlsTrust", mapped.ErrorCode);

        var notOnlyStoreFailures = new AggregateException(Attempt(), new NullReferenceException());
        Assert.False(KeyVaultFailures.IsStoreFailure(notOnlyStoreFailures, CancellationToken.None));
    }

    [Fact]
    public void The_sdks_refusal_of_a_challenge_for_another_resource_is_permanent_and_names_the_setting()
    {
        // Azure.Security.KeyVault.Secrets' own text when the challenge's resource is not the vault's host.
        var refusal = new InvalidOperationException(
            "The challenge resource 'vault.azure.net' does not match the requested domain. Set DisableChallengeResourceVerification to true in your client options to disable.");

        Assert.True(KeyVaultFailures.IsStoreFailure(refusal, CancellationToken.None));
        SecretStoreException mapped = KeyVaultFailures.ToStoreException(refusal, "listing of secrets", null);

        Assert.False(mapped.IsTransient);
        Assert.Equal("ChallengeRefused", mapped.ErrorCode);
        Assert.Contains("KvReplicator:KeyVault:DisableChallengeResourceVerification", mapped.Message, StringComparison.Ordinal);
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
