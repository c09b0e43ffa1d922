using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;

namespace KvReplicator.Tests.SecretsManager;

public sealed class SecretsManagerClientTests
{
    [Fact]
    public async Task Sends_a_SigV4_signed_JSON_1_1_post_to_the_regional_endpoint()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk("""{"Name":"kv-app-db"}""");

        DescribeSecretResponse response = await context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "kv-app-db" });

        Assert.Equal("kv-app-db", response.Name);
        var request = Assert.Single(context.Handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal(new Uri("https://secretsmanager.us-east-1.amazonaws.com/"), request.Uri);
        Assert.Equal("secretsmanager.DescribeSecret", request.Headers["X-Amz-Target"]);
        Assert.Equal("application/x-amz-json-1.1", request.Headers["Content-Type"]);
        Assert.Equal("kv-app-db", request.Json.GetProperty("SecretId").GetString());
        Assert.StartsWith("AWS4-HMAC-SHA256 Credential=AKID/20260102/us-east-1/secretsmanager/aws4_request, SignedHeaders=", request.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Contains("x-amz-target", request.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Equal("20260102T030405Z", request.Headers["X-Amz-Date"]);
        Assert.False(request.Headers.ContainsKey("X-Amz-Security-Token"));
    }

    [Fact]
    public async Task Sends_the_session_token_of_temporary_credentials()
    {
        var context = new SecretsManagerTestContext(credentials: new SessionAWSCredentials("ASIATEMP", "SECRETKEY", "SESSION-TOKEN"));
        context.Handler.RespondOk();

        await context.Client.TagResourceAsync(new TagResourceRequest { SecretId = "s", Tags = [new Tag { Key = "k", Value = "v" }] });

        var request = Assert.Single(context.Handler.Requests);
        Assert.Equal("SESSION-TOKEN", request.Headers["X-Amz-Security-Token"]);
        Assert.Contains("Credential=ASIATEMP/20260102/us-east-1/secretsmanager/aws4_request", request.Headers["Authorization"], StringComparison.Ordinal);
        Assert.Contains("x-amz-security-token", request.Headers["Authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Uses_the_service_url_override()
    {
        var context = new SecretsManagerTestContext(options => options.ServiceUrl = new Uri("http://127.0.0.1:5123"));
        context.Handler.RespondOk();

        await context.Client.RestoreSecretAsync(new RestoreSecretRequest { SecretId = "s" });

        Assert.Equal(new Uri("http://127.0.0.1:5123/"), context.Handler.Requests[0].Uri);
    }

    [Theory]
    [InlineData("eu-west-1", "https://secretsmanager.eu-west-1.amazonaws.com/")]
    [InlineData("cn-north-1", "https://secretsmanager.cn-north-1.amazonaws.com.cn/")]
    public void Derives_the_endpoint_from_the_region(string region, string expected) =>
        Assert.Equal(new Uri(expected), SecretsManagerClient.DefaultEndpoint(region));

    [Fact]
    public async Task CreateSecret_sends_only_the_fields_that_are_set()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk("""{"ARN":"arn","Name":"n","VersionId":"v"}""");

        await context.Client.CreateSecretAsync(new CreateSecretRequest
        {
            Name = "n",
            Description = "d",
            Tags = [new Tag { Key = "managed-by", Value = "kvreplicator" }],
            AddReplicaRegions = [new ReplicaRegionType { Region = "eu-west-1" }],
        });

        JsonElement body = context.Handler.Requests[0].Json;
        Assert.Equal("n", body.GetProperty("Name").GetString());
        Assert.Equal("eu-west-1", body.GetProperty("AddReplicaRegions")[0].GetProperty("Region").GetString());
        Assert.False(body.TryGetProperty("SecretString", out _));
        Assert.False(body.TryGetProperty("ClientRequestToken", out _));
        Assert.False(body.TryGetProperty("KmsKeyId", out _));
    }

    [Theory]
    [InlineData(" padded \n")]
    [InlineData("ünïcødé ✓ 🔑")]
    [InlineData("{\"user\":\"a\",\"password\":\"b\\\"c\"}")]
    public async Task PutSecretValue_sends_the_value_exactly(string value)
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk("""{"VersionId":"0123456789abcdef0123456789abcdef","VersionStages":["kvrep-superseded"]}""");

        PutSecretValueResponse response = await context.Client.PutSecretValueAsync(new PutSecretValueRequest
        {
            SecretId = "n",
            ClientRequestToken = "0123456789abcdef0123456789abcdef",
            SecretString = new SecretValue(SecretLeakGuard.Register(value)),
            VersionStages = ["kvrep-superseded"],
        });

        JsonElement body = context.Handler.Requests[0].Json;
        Assert.Equal(value, body.GetProperty("SecretString").GetString());
        Assert.Equal("0123456789abcdef0123456789abcdef", body.GetProperty("ClientRequestToken").GetString());
        Assert.Equal("kvrep-superseded", body.GetProperty("VersionStages")[0].GetString());
        Assert.Equal(["kvrep-superseded"], response.VersionStages!);
    }

    [Fact]
    public async Task Reads_values_and_epoch_timestamps()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk("""{"Name":"n","VersionId":"v","SecretString":" x ","VersionStages":["AWSCURRENT"],"CreatedDate":1767225600.5}""");

        GetSecretValueResponse response = await context.Client.GetSecretValueAsync(new GetSecretValueRequest { SecretId = "n", VersionStage = "AWSCURRENT" });

        Assert.Equal(" x ", response.SecretString!.Reveal());
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1767225600500), response.CreatedDate);
        Assert.Equal("AWSCURRENT", context.Handler.Requests[0].Json.GetProperty("VersionStage").GetString());
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "com.amazonaws.secretsmanager#ResourceNotFoundException", "ResourceNotFoundException")]
    [InlineData(HttpStatusCode.NotFound, "ResourceNotFoundException", "ResourceNotFoundException")]
    [InlineData(HttpStatusCode.BadRequest, "ResourceExistsException:http://internal.amazon.com/coral/", "ResourceExistsException")]
    public async Task Types_errors_from_the_type_field_not_the_status(HttpStatusCode status, string type, string expected)
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondError(status, type, "Secrets Manager can't find the specified secret.");

        var exception = await Assert.ThrowsAsync<SecretsManagerException>(() => context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" }));

        Assert.Equal(expected, exception.ErrorType);
        Assert.Equal(expected, exception.ErrorCode);
        Assert.Equal((int)status, exception.HttpStatus);
        Assert.Equal("DescribeSecret", exception.Operation);
        Assert.False(exception.IsTransient);
        Assert.Contains("DescribeSecret", exception.Message, StringComparison.Ordinal);
        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ThrottlingException", true, false)]
    [InlineData("TooManyRequestsException", true, false)]
    [InlineData("RequestLimitExceeded", true, false)]
    [InlineData("InternalServiceError", true, false)]
    [InlineData("ServiceUnavailable", true, false)]
    [InlineData("ExpiredTokenException", true, true)]
    [InlineData("UnrecognizedClientException", true, true)]
    [InlineData("InvalidSignatureException", true, true)]
    [InlineData("SignatureDoesNotMatch", true, true)]
    [InlineData("AccessDeniedException", true, true)]
    [InlineData("InvalidParameterException", false, false)]
    [InlineData("InvalidRequestException", false, false)]
    [InlineData("ResourceExistsException", false, false)]
    [InlineData("LimitExceededException", false, false)]
    public async Task Classifies_error_types(string type, bool transient, bool auth)
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondError(HttpStatusCode.BadRequest, type);

        var exception = await Assert.ThrowsAsync<SecretsManagerException>(() => context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" }));

        Assert.Equal(transient, exception.IsTransient);
        Assert.Equal(auth, exception.IsAuthFailure);
    }

    [Fact]
    public async Task Treats_a_5xx_without_a_typed_body_as_transient()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.Respond(HttpStatusCode.BadGateway, "<html>bad gateway</html>");

        var exception = await Assert.ThrowsAsync<SecretsManagerException>(() => context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" }));

        Assert.Null(exception.ErrorType);
        Assert.Equal(502, exception.HttpStatus);
        Assert.True(exception.IsTransient);
    }

    [Fact]
    public async Task Falls_back_to_the_error_type_header()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.Respond(HttpStatusCode.BadRequest, "", ("x-amzn-ErrorType", "ThrottlingException:http://internal.amazon.com/"));

        var exception = await Assert.ThrowsAsync<SecretsManagerException>(() => context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" }));

        Assert.Equal("ThrottlingException", exception.ErrorType);
        Assert.True(exception.IsTransient);
    }

    [Fact]
    public async Task Reads_query_protocol_xml_errors_as_moto_sends_for_auth_failures()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.Respond(
            HttpStatusCode.Forbidden,
            """<?xml version="1.0" encoding="utf-8"?><ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match.</Message><Type>Sender</Type></Error></Errors></ErrorResponse>""");

        var exception = await Assert.ThrowsAsync<SecretsManagerException>(() => context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" }));

        Assert.Equal("SignatureDoesNotMatch", exception.ErrorType);
        Assert.Equal(403, exception.HttpStatus);
        Assert.True(exception.IsTransient);
        Assert.True(exception.IsAuthFailure);
    }

    [Fact]
    public async Task Cuts_the_service_message_to_200_characters()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondError(HttpStatusCode.BadRequest, "InvalidParameterException", new string('m', 500));

        var exception = await Assert.ThrowsAsync<SecretsManagerException>(() => context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" }));

        Assert.Equal(201, exception.ServiceMessage!.Length);
        Assert.DoesNotContain(new string('m', 201), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Retries_throttling_then_succeeds_signing_each_attempt()
    {
        var context = new SecretsManagerTestContext(options => options.MaxRetries = 4);
        context.Handler
            .RespondError(HttpStatusCode.BadRequest, "ThrottlingException")
            .RespondError(HttpStatusCode.InternalServerError, "InternalServiceError")
            .RespondOk("""{"Name":"n"}""");

        DescribeSecretResponse response = await context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" });

        Assert.Equal("n", response.Name);
        Assert.Equal(3, context.Handler.Requests.Count);
        Assert.All(context.Handler.Requests, request => Assert.StartsWith("AWS4-HMAC-SHA256", request.Headers["Authorization"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Retries_network_failures()
    {
        var context = new SecretsManagerTestContext(options => options.MaxRetries = 2);
        context.Handler.Throw(new HttpRequestException("connection reset")).RespondOk("""{"Name":"n"}""");

        await context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" });

        Assert.Equal(2, context.Handler.Requests.Count);
    }

    [Fact]
    public async Task Gives_up_after_the_configured_retries_with_a_transient_error()
    {
        var context = new SecretsManagerTestContext(options => options.MaxRetries = 2);
        context.Handler
            .RespondError(HttpStatusCode.BadRequest, "ThrottlingException")
            .RespondError(HttpStatusCode.BadRequest, "ThrottlingException")
            .RespondError(HttpStatusCode.BadRequest, "ThrottlingException");

        var exception = await Assert.ThrowsAsync<SecretsManagerException>(() => context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" }));

        Assert.True(exception.IsTransient);
        Assert.Equal(3, context.Handler.Requests.Count);
    }

    [Theory]
    [InlineData("InvalidParameterException")]
    [InlineData("AccessDeniedException")]
    public async Task Does_not_retry_permanent_or_auth_errors_in_process(string type)
    {
        var context = new SecretsManagerTestContext(options => options.MaxRetries = 4);
        context.Handler.RespondError(HttpStatusCode.BadRequest, type);

        await Assert.ThrowsAsync<SecretsManagerException>(() => context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" }));

        Assert.Single(context.Handler.Requests);
    }

    [Fact]
    public async Task Reports_a_timeout_as_transient()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.Throw(new TaskCanceledException("HttpClient.Timeout", new TimeoutException()));

        var exception = await Assert.ThrowsAsync<SecretsManagerException>(() => context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" }));

        Assert.Equal("Timeout", exception.ErrorType);
        Assert.True(exception.IsTransient);
    }

    [Fact]
    public async Task Honours_a_cancelled_token_before_sending()
    {
        var context = new SecretsManagerTestContext();
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" }, cancellation.Token));

        Assert.Empty(context.Handler.Requests);
    }

    [Fact]
    public async Task Stops_waiting_for_a_retry_when_cancelled()
    {
        // The fake clock never moves, so the call can only end through the cancellation.
        var context = new SecretsManagerTestContext(options => { options.MaxRetries = 4; options.BaseDelay = TimeSpan.FromSeconds(10); });
        context.Handler.RespondError(HttpStatusCode.BadRequest, "ThrottlingException").RespondOk();
        using var cancellation = new CancellationTokenSource();

        Task call = context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" }, cancellation.Token);
        await UntilAsync(() => context.Handler.Requests.Count == 1);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Single(context.Handler.Requests);
    }

    [Fact]
    public async Task Waits_on_the_injected_clock_between_attempts()
    {
        var context = new SecretsManagerTestContext(options => { options.MaxRetries = 1; options.BaseDelay = TimeSpan.FromSeconds(10); });
        context.Handler.RespondError(HttpStatusCode.BadRequest, "ThrottlingException").RespondOk("""{"Name":"n"}""");

        Task<DescribeSecretResponse> call = context.Client.DescribeSecretAsync(new DescribeSecretRequest { SecretId = "n" });
        await UntilAsync(() => context.Handler.Requests.Count == 1);
        Assert.False(call.IsCompleted);

        // The retry is released only by moving the fake clock past the jittered delay.
        for (int second = 0; second < 600 && !call.IsCompleted; second++)
        {
            context.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }

        Assert.Equal("n", (await call).Name);
        Assert.Equal(2, context.Handler.Requests.Count);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (int attempt = 0; attempt < 10_000 && !condition(); attempt++)
        {
            await Task.Yield();
        }

        Assert.True(condition());
    }
}
