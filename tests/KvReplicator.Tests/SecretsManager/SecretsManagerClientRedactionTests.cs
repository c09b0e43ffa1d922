using System.Net;
using Amazon.Runtime;
using KvReplicator.Credentials;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;
using KvReplicator.Testing.SecretsManager;
using KvReplicator.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.SecretsManager;

/// <summary>
/// A hop in front of Secrets Manager that quotes the request in its errors: no text the client derives from a
/// failed write (message, error type, request id, inner exception, retry log) carries the value, in any of the
/// forms the quote can take, while the error type, status and request id that operators act on survive.
/// </summary>
public sealed class SecretsManagerClientRedactionTests
{
    public static TheoryData<QuotingMode, string> Cases()
    {
        var data = new TheoryData<QuotingMode, string>();
        string[] values =
        [
            "Passw0rdPassw0rdPassw0rd",                                  // shaped like an error type or a request id
            "line one of the secret\nline two \"quoted\" \\ back",         // escaped differently by every JSON writer
            "clé-secrète-ünïcödé-密码-🔑-value",                            // non-ASCII, astral plane included
            "{\"user\":\"app\",\"password\":\"p<a>ss&word'+\"}",           // JSON inside JSON, HTML-escaped by the default encoder
        ];
        foreach (QuotingMode mode in Enum.GetValues<QuotingMode>())
        {
            foreach (string value in values)
            {
                data.Add(mode, value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_failed_PutSecretValue_says_nothing_of_the_value_however_the_hop_quotes_it(QuotingMode mode, string value)
    {
        SecretLeakGuard.Register(value);
        var logs = new CapturedLogs();
        SecretsManagerClient client = Client(mode, logs, maxRetries: 2, out _);

        SecretsManagerException failure = await Assert.ThrowsAsync<SecretsManagerException>(() => client.PutSecretValueAsync(new PutSecretValueRequest
        {
            SecretId = "kv-app-db", ClientRequestToken = "0123456789abcdef0123456789abcdef", SecretString = new SecretValue(value),
        }));

        AssertSaysNothingOf(value, failure, logs);
        Assert.Null(failure.ServiceMessage);
        Assert.Equal("PutSecretValue", failure.Operation);
        switch (mode)
        {
            case QuotingMode.ValidationException:
                Assert.Equal("ValidationException", failure.ErrorType);
                Assert.Equal(400, failure.HttpStatus);
                Assert.Equal("5f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c", failure.RequestId);
                Assert.False(failure.IsTransient);
                Assert.StartsWith("Secrets Manager PutSecretValue failed: ValidationException (HTTP 400, request id 5f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c); the service's message is not shown", failure.Message, StringComparison.Ordinal);
                break;
            case QuotingMode.InternalFailure:
                Assert.Equal("InternalFailure", failure.ErrorType);
                Assert.True(failure.IsTransient);
                Assert.Equal(2, logs.Entries.Count(entry => entry.Contains("retry", StringComparison.Ordinal)));
                break;
            case QuotingMode.NonJsonServerError:
                Assert.Null(failure.ErrorType);
                Assert.Equal(500, failure.HttpStatus);
                Assert.True(failure.IsTransient);
                break;
            default:
                Assert.Null(failure.ErrorType);
                Assert.Null(failure.RequestId);
                Assert.Equal(400, failure.HttpStatus);
                break;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_failed_CreateSecret_says_nothing_of_the_value_however_the_hop_quotes_it(QuotingMode mode, string value)
    {
        SecretLeakGuard.Register(value);
        var logs = new CapturedLogs();
        SecretsManagerClient client = Client(mode, logs, maxRetries: 1, out _);

        SecretsManagerException failure = await Assert.ThrowsAsync<SecretsManagerException>(() => client.CreateSecretAsync(new CreateSecretRequest
        {
            Name = "kv-app-db", ClientRequestToken = "0123456789abcdef0123456789abcdef", SecretString = new SecretValue(value),
        }));

        AssertSaysNothingOf(value, failure, logs);
        Assert.Equal("CreateSecret", failure.Operation);
    }

    [Fact]
    public async Task A_network_failure_whose_text_quotes_the_request_keeps_its_kind_and_loses_the_value()
    {
        const string value = "network-quoted-secret-value-42";
        SecretLeakGuard.Register(value);
        var canned = new CannedHttpMessageHandler().Throw(new HttpRequestException(
            HttpRequestError.ConnectionError, $"proxy refused request {{\"SecretString\":\"{value}\"}}", new IOException("echo: " + value)));
        var client = new SecretsManagerClient(new HttpClient(canned), Credentials(), new SecretsManagerOptions { Region = "us-east-1", MaxRetries = 0 }, new FakeTimeProvider());

        SecretsManagerException failure = await Assert.ThrowsAsync<SecretsManagerException>(() => client.PutSecretValueAsync(new PutSecretValueRequest
        {
            SecretId = "s", ClientRequestToken = "0123456789abcdef0123456789abcdef", SecretString = new SecretValue(value),
        }));

        Assert.Equal(SecretsManagerErrorTypes.NetworkError, failure.ErrorType);
        Assert.DoesNotContain(value, failure.ToString(), StringComparison.Ordinal);
        Assert.Contains(typeof(HttpRequestException).FullName!, failure.InnerException!.Message, StringComparison.Ordinal);
        Assert.Contains("proxy refused request", failure.InnerException.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(IOException).FullName!, failure.InnerException.InnerException!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_write_refused_because_the_secret_is_scheduled_for_deletion_is_still_recognised_though_its_message_is_not_shown()
    {
        var canned = new CannedHttpMessageHandler().RespondError(
            HttpStatusCode.BadRequest, "InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.");
        var client = new SecretsManagerClient(new HttpClient(canned), Credentials(), new SecretsManagerOptions { Region = "us-east-1", MaxRetries = 0 }, new FakeTimeProvider());

        SecretsManagerException failure = await Assert.ThrowsAsync<SecretsManagerException>(() => client.PutSecretValueAsync(new PutSecretValueRequest
        {
            SecretId = "s", ClientRequestToken = "0123456789abcdef0123456789abcdef", SecretString = new SecretValue("v"),
        }));

        Assert.True(SecretsManagerErrorTypes.IsMarkedForDeletion(failure));
        Assert.Null(failure.ServiceMessage);
        Assert.EndsWith("the secret is scheduled for deletion.", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_that_carries_no_value_keeps_the_service_message_to_explain_itself()
    {
        var canned = new CannedHttpMessageHandler().RespondError(HttpStatusCode.BadRequest, "InvalidParameterException", "You provided an invalid value for the VersionStage.");
        var client = new SecretsManagerClient(new HttpClient(canned), Credentials(), new SecretsManagerOptions { Region = "us-east-1", MaxRetries = 0 }, new FakeTimeProvider());

        SecretsManagerException failure = await Assert.ThrowsAsync<SecretsManagerException>(() => client.UpdateSecretVersionStageAsync(new UpdateSecretVersionStageRequest
        {
            SecretId = "s", VersionStage = "AWSCURRENT", MoveToVersionId = "a",
        }));

        Assert.Equal("You provided an invalid value for the VersionStage.", failure.ServiceMessage);
        Assert.EndsWith(": You provided an invalid value for the VersionStage.", failure.Message, StringComparison.Ordinal);
    }

    private static void AssertSaysNothingOf(string value, SecretsManagerException failure, CapturedLogs logs)
    {
        var redaction = new[] { value, System.Text.Json.JsonEncodedText.Encode(value).Value, System.Text.Json.JsonSerializer.Serialize(value)[1..^1] };
        foreach (string form in redaction.Where(form => form.Length > 0))
        {
            Assert.DoesNotContain(form, failure.ToString(), StringComparison.Ordinal);
            Assert.DoesNotContain(form, failure.ErrorType ?? string.Empty, StringComparison.Ordinal);
            Assert.DoesNotContain(form, failure.RequestId ?? string.Empty, StringComparison.Ordinal);
            logs.AssertContainsNone([form]);
        }

        Assert.DoesNotContain("validation error detected", failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("upstream failed", failure.ToString(), StringComparison.Ordinal);
    }

    private static SecretsManagerClient Client(QuotingMode mode, CapturedLogs logs, int maxRetries, out RequestQuotingSecretsManager quoting)
    {
        quoting = new RequestQuotingSecretsManager(mode) { InnerHandler = new CannedHttpMessageHandler() };
        return new SecretsManagerClient(
            new HttpClient(quoting),
            Credentials(),
            new SecretsManagerOptions { Region = "us-east-1", MaxRetries = maxRetries, BaseDelay = TimeSpan.Zero },
            TimeProvider.System,
            logs.CreateLogger<SecretsManagerClient>());
    }

    private static ICredentialSource Credentials() => new AwsSdkCredentialSource(new BasicAWSCredentials("AKID", "SECRETKEY"));
}
