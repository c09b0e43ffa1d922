using Azure;
using Azure.Identity;
using KvReplicator.Ledger;
using KvReplicator.Replication;

namespace KvReplicator.Tests.Ledger;

public sealed class LedgerFailureTests
{
    private const string Body = "<Error><Message>echoed request body</Message></Error>";

    [Theory]
    [InlineData(500, "InternalError")]
    [InlineData(503, "ServerBusy")]
    [InlineData(429, "TooManyRequests")]
    [InlineData(408, "OperationTimedOut")]
    [InlineData(401, "InvalidAuthenticationInfo")]
    [InlineData(403, "AuthorizationPermissionMismatch")]
    [InlineData(409, "ContainerBeingDeleted")]
    [InlineData(404, "ContainerNotFound")]
    public void Service_and_access_failures_are_transient(int status, string code)
    {
        SecretStoreException error = LedgerFailure.Translate("claim", new RequestFailedException(status, Body, code, null));

        Assert.True(error.IsTransient);
        Assert.Equal(code, error.ErrorCode);
        Assert.Equal($"Ledger claim failed: HTTP {status} (error code {code})", error.Message);
    }

    [Theory]
    [InlineData(400, "InvalidHeaderValue")]
    [InlineData(400, "InvalidResourceName")]
    [InlineData(404, "ResourceNotFound")]
    [InlineData(405, "UnsupportedHttpVerb")]
    public void Misconfiguration_is_permanent(int status, string code)
    {
        SecretStoreException error = LedgerFailure.Translate("commit", new RequestFailedException(status, Body, code, null));

        Assert.False(error.IsTransient);
        Assert.Equal(code, error.ErrorCode);
        Assert.DoesNotContain("echoed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Failure_without_a_response_is_a_transient_network_error()
    {
        SecretStoreException error = LedgerFailure.Translate("read", new RequestFailedException(0, "connection refused " + Body, null, new HttpRequestException("refused")));

        Assert.True(error.IsTransient);
        Assert.Equal("Ledger read failed: no response from Blob Storage (error code none)", error.Message);
    }

    [Fact]
    public void Token_failures_are_transient_and_named()
    {
        SecretStoreException error = LedgerFailure.Translate("claim", new AuthenticationFailedException("IMDS said no"));

        Assert.True(error.IsTransient);
        Assert.Equal("AuthenticationFailed", error.ErrorCode);
        Assert.DoesNotContain("IMDS said no", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Client_timeout_is_transient()
    {
        SecretStoreException error = LedgerFailure.Translate("release", new TaskCanceledException("exceeded the configured timeout"));

        Assert.True(error.IsTransient);
        Assert.Equal("Ledger release failed: timed out", error.Message);
    }

    [Fact]
    public void Cancellation_the_caller_asked_for_is_not_a_store_failure()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.False(LedgerFailure.IsStoreFailure(new OperationCanceledException(cancelled.Token), cancelled.Token));
        Assert.True(LedgerFailure.IsStoreFailure(new TaskCanceledException(), CancellationToken.None));
        Assert.False(LedgerFailure.IsStoreFailure(new InvalidOperationException(), CancellationToken.None));
    }
}
