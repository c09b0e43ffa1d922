using System.Diagnostics;
using System.Net;
using Azure;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Diagnostics;
using KvReplicator.Testing.Diagnostics;
using KvReplicator.Tests.Fakes;

namespace KvReplicator.Tests.Diagnostics;

public sealed class RemoteCallPolicyTests : IDisposable
{
    private readonly TelemetryRecorder _recorder = new();
    private readonly CannedHttpMessageHandler _wire = new();

    public void Dispose() => _recorder.Dispose();

    [Fact]
    public async Task A_key_vault_call_is_measured_once_by_operation_and_status_with_the_request_id_on_its_span()
    {
        _wire.Respond(HttpStatusCode.OK, "{}", ("x-ms-request-id", "kv-req-1")).Respond(HttpStatusCode.NotFound, "{}");

        await SendAsync(RemoteCallPolicy.KeyVault, "https://kv.vault.azure.net/secrets/db-password?api-version=7.6");
        await SendAsync(RemoteCallPolicy.KeyVault, "https://kv.vault.azure.net/secrets/db-password/0123?api-version=7.6");

        Assert.Equal(
            [("keyvault", "GetSecret(latest)", "ok"), ("keyvault", "GetSecret(version)", "404")],
            _recorder.Of(TelemetryNames.RemoteCallDuration).Select(call => (call[TelemetryNames.Service], call[TelemetryNames.Operation], call[TelemetryNames.Result])));
        // Azure.Core's span of the HTTP attempt ends first, inside ours.
        Activity first = _recorder.Spans.First(span => span.Source.Name == KvReplicatorTelemetry.Name);
        Assert.Contains(_recorder.ChildrenOf(first), span => span.Source.Name == "Azure.Core.Http");
        Assert.Equal(("KeyVault.GetSecret(latest)", ActivityKind.Client, "Microsoft.KeyVault", "kv-req-1", "kv.vault.azure.net"), (
            first.DisplayName, first.Kind, first.GetTagItem("az.namespace"), first.GetTagItem("az.service_request_id"), first.GetTagItem("server.address")));

        // The path (the secret's name) is in none of ours (Azure.Core's HTTP span carries url.full).
        Assert.All(_recorder.Spans.Where(span => span.Source.Name == KvReplicatorTelemetry.Name), span => Assert.DoesNotContain(span.TagObjects, tag => tag.Value is string text && text.Contains("db-password", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_blob_call_that_fails_on_the_network_is_measured_as_a_network_error()
    {
        _wire.Throw(new HttpRequestException("connection refused"));

        await Assert.ThrowsAnyAsync<RequestFailedException>(() => SendAsync(RemoteCallPolicy.Blob, "http://127.0.0.1:10000/devstoreaccount1/ledger/vault/db"));

        RecordedMeasurement call = Assert.Single(_recorder.Of(TelemetryNames.RemoteCallDuration));
        Assert.Equal(("blob", "GetBlob", "network_error"), (call[TelemetryNames.Service], call[TelemetryNames.Operation], call[TelemetryNames.Result]));
        Assert.Equal(ActivityStatusCode.Error, Assert.Single(_recorder.Spans, span => span.Source.Name == KvReplicatorTelemetry.Name).Status);
    }

    private async Task SendAsync(RemoteCallPolicy policy, string url)
    {
        var options = new SecretClientOptions { Transport = new HttpClientTransport(new HttpClient(_wire)) };
        options.Retry.MaxRetries = 0;
        options.AddPolicy(policy, HttpPipelinePosition.PerCall);
        HttpPipeline pipeline = HttpPipelineBuilder.Build(options);
        using HttpMessage message = pipeline.CreateMessage();
        message.Request.Method = RequestMethod.Get;
        message.Request.Uri.Reset(new Uri(url));
        await pipeline.SendAsync(message, CancellationToken.None);
    }
}
