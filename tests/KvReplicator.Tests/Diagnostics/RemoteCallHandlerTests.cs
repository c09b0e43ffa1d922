using System.Diagnostics;
using System.Net;
using KvReplicator.Diagnostics;
using KvReplicator.Testing.Diagnostics;
using KvReplicator.Tests.Fakes;

namespace KvReplicator.Tests.Diagnostics;

public sealed class RemoteCallHandlerTests : IDisposable
{
    private readonly TelemetryRecorder _recorder = new();
    private readonly CannedHttpMessageHandler _wire = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public async Task An_answered_call_is_measured_by_service_operation_and_result_under_a_client_span_that_holds_the_request()
    {
        _wire.Respond(HttpStatusCode.OK, "{}", ("x-amzn-RequestId", "req-1"));
        var below = new CurrentActivity { InnerHandler = _wire };

        await SendAsync("secretsmanager.PutSecretValue", below);

        RecordedMeasurement call = Assert.Single(_recorder.Of(TelemetryNames.RemoteCallDuration));
        Assert.Equal(("secretsmanager", "PutSecretValue", "ok"), (call[TelemetryNames.Service], call[TelemetryNames.Operation], call[TelemetryNames.Result]));
        Assert.Equal("s", call.Unit);
        Assert.True(call.Value >= 0);
        Activity span = Assert.Single(_recorder.Spans);
        Assert.Equal(("SecretsManager.PutSecretValue", ActivityKind.Client, ActivityStatusCode.Unset), (span.DisplayName, span.Kind, span.Status));
        Assert.Equal(("aws-api", "SecretsManager", "PutSecretValue"), (span.GetTagItem("rpc.system"), span.GetTagItem("rpc.service"), span.GetTagItem("rpc.method")));
        Assert.Equal(("POST", 200, "req-1", "127.0.0.1", 5000), (span.GetTagItem("http.request.method"), span.GetTagItem("http.response.status_code"),
            span.GetTagItem("aws.request_id"), span.GetTagItem("server.address"), span.GetTagItem("server.port")));

        // The request went on under the span: HttpClient's own span of it becomes its child.
        Assert.Equal(span.SpanId, below.Seen!.SpanId);
    }

    [Fact]
    public async Task An_error_answer_is_measured_with_its_status_code_and_marks_the_span()
    {
        _wire.RespondError(HttpStatusCode.BadRequest, "ResourceNotFoundException");

        await SendAsync("secretsmanager.DescribeSecret");

        Assert.Equal("400", Assert.Single(_recorder.Of(TelemetryNames.RemoteCallDuration))[TelemetryNames.Result]);
        Activity span = Assert.Single(_recorder.Spans);
        Assert.Equal((ActivityStatusCode.Error, "400"), (span.Status, span.GetTagItem("error.type")));
    }

    [Fact]
    public async Task A_call_without_an_answer_is_a_network_error_a_timeout_or_cancelled_by_its_caller()
    {
        _wire.Throw(new HttpRequestException("connection refused"))
            .Throw(new TaskCanceledException("the client's timeout elapsed"));

        await Assert.ThrowsAsync<HttpRequestException>(() => SendAsync("secretsmanager.PutSecretValue"));
        await Assert.ThrowsAsync<TaskCanceledException>(() => SendAsync("secretsmanager.PutSecretValue"));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => SendAsync("secretsmanager.PutSecretValue", cancellationToken: cancelled.Token));

        Assert.Equal(["network_error", "timeout", "canceled"], _recorder.Of(TelemetryNames.RemoteCallDuration).Select(call => call[TelemetryNames.Result]));
        Activity refused = _recorder.Spans[0];
        Assert.Equal((ActivityStatusCode.Error, "System.Net.Http.HttpRequestException"), (refused.Status, refused.GetTagItem("error.type")));
        Assert.DoesNotContain(refused.TagObjects, tag => tag.Value is string text && text.Contains("refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_with_one_operation_names_every_call_by_it()
    {
        _wire.RespondOk();
        using var client = new HttpClient(new RemoteCallHandler(_ => RemoteOperations.StsAssumeRoleWithWebIdentity) { InnerHandler = _wire });

        (await client.PostAsync("http://127.0.0.1:5000/", new StringContent("Action=AssumeRoleWithWebIdentity"))).Dispose();

        RecordedMeasurement call = Assert.Single(_recorder.Of(TelemetryNames.RemoteCallDuration));
        Assert.Equal(("sts", "AssumeRoleWithWebIdentity"), (call[TelemetryNames.Service], call[TelemetryNames.Operation]));
        Assert.Equal("STS.AssumeRoleWithWebIdentity", Assert.Single(_recorder.Spans).DisplayName);
    }

    private async Task SendAsync(string target, HttpMessageHandler? below = null, CancellationToken cancellationToken = default)
    {
        using var client = new HttpClient(new RemoteCallHandler(RemoteOperations.SecretsManager) { InnerHandler = below ?? _wire });
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:5000/") { Content = new StringContent("{}") };
        request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        (await client.SendAsync(request, cancellationToken)).Dispose();
    }

    /// <summary>Notes the activity current when the request passes below the handler.</summary>
    private sealed class CurrentActivity : DelegatingHandler
    {
        public Activity? Seen { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Seen = Activity.Current;
            return base.SendAsync(request, cancellationToken);
        }
    }
}
