using System.Diagnostics;
using KvReplicator.Diagnostics;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.IntegrationTests.Replication;
using KvReplicator.Replication;
using KvReplicator.Testing.Diagnostics;

namespace KvReplicator.IntegrationTests.Diagnostics;

/// <summary>
/// One delivery through the replicator as production composes it, on the local Key Vault, Azurite and moto:
/// the spans it makes (delivery, version, one per remote call, the Azure SDK's nested in and under ours) and the
/// measurements it records, with bounded tags and nothing of the secret in any of them.
/// </summary>
public sealed class ReplicationTelemetryTests
{
    [Fact]
    public async Task A_replicated_delivery_is_one_span_with_a_version_span_whose_remote_call_spans_hold_the_Azure_SDKs_HTTP_spans()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string name = SharedEmulators.UniqueName("traced");
        string value = "traced-value-" + Guid.NewGuid();
        string version = await harness.SetSecretAsync(name, value);
        using var recorder = new TelemetryRecorder();

        DeliveryResult result = await harness.DeliverAsync(name, version);

        Assert.Equal(DeliveryDisposition.Completed, result.Disposition);
        Activity delivery = Assert.Single(recorder.Spans, span => span.OperationName == TelemetryNames.DeliverySpan);
        Assert.Equal(recorder.RootSpanId, delivery.ParentSpanId);
        Assert.Equal(ActivityKind.Consumer, delivery.Kind);
        Assert.Equal("ok", delivery.GetTagItem(TelemetryNames.Disposition));
        Assert.Equal("eventgrid", delivery.GetTagItem("messaging.system"));

        Activity versionSpan = Assert.Single(recorder.ChildrenOf(delivery));
        Assert.Equal(TelemetryNames.VersionSpan, versionSpan.OperationName);
        Assert.Equal("replicated", versionSpan.GetTagItem(TelemetryNames.Outcome));
        Assert.Equal("none", versionSpan.GetTagItem(TelemetryNames.Reason));
        Assert.Equal(name, versionSpan.GetTagItem(TelemetryNames.SecretName));
        Assert.Equal(version, versionSpan.GetTagItem(TelemetryNames.SecretVersion));
        Assert.Equal(harness.TargetName(name), versionSpan.GetTagItem(TelemetryNames.TargetName));

        // Every remote call is a client span under the version's, named Service.Operation.
        Activity[] calls = [.. recorder.Spans.Where(span => span.Source.Name == KvReplicatorTelemetry.Name && span.Kind == ActivityKind.Client)];
        Assert.All(calls, call => Assert.True(Descends(recorder, call, versionSpan), $"{call.DisplayName} is not under the version span"));
        string[] names = [.. calls.Select(call => call.DisplayName)];
        Assert.Contains("KeyVault.GetSecret(latest)", names);
        Assert.Contains("SecretsManager.CreateSecret", names);
        Assert.Contains(calls, call => (string?)call.GetTagItem(TelemetryNames.Service) == TelemetryNames.BlobService);

        // The Azure SDK's client span (SecretClient.GetSecret) holds ours, and ours holds its HTTP attempts.
        Activity keyVaultCall = calls.First(call => call.DisplayName == "KeyVault.GetSecret(latest)");
        Activity sdkScope = Assert.Single(recorder.Spans, span => span.SpanId == keyVaultCall.ParentSpanId);
        Assert.Equal("SecretClient.GetSecret", sdkScope.DisplayName);
        Assert.Contains(recorder.ChildrenOf(keyVaultCall), span => span.Source.Name == "Azure.Core.Http");
        Assert.Equal("Microsoft.KeyVault", keyVaultCall.GetTagItem("az.namespace"));
        Assert.Equal(200, keyVaultCall.GetTagItem("http.response.status_code"));
        Activity create = calls.First(call => call.DisplayName == "SecretsManager.CreateSecret");
        Assert.Equal(("aws-api", "SecretsManager", "CreateSecret"), (create.GetTagItem("rpc.system"), create.GetTagItem("rpc.service"), create.GetTagItem("rpc.method")));

        // Nothing of the secret's value in any span.
        Assert.All(recorder.Spans, span => Assert.DoesNotContain(value, ExportedText(span)));
    }

    [Fact]
    public async Task A_replicated_delivery_is_counted_with_its_outcome_lag_handler_time_and_remote_calls()
    {
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync();
        string name = SharedEmulators.UniqueName("counted");
        string version = await harness.SetSecretAsync(name, "counted-value-" + Guid.NewGuid());
        using var recorder = new TelemetryRecorder();

        await harness.DeliverAsync(name, version);
        await harness.DeliverAsync(name, version);

        Assert.Equal(["ok", "ok"], recorder.Of(TelemetryNames.Deliveries).Select(m => m[TelemetryNames.Disposition]));
        Assert.Equal(
            [("replicated", "none"), ("already_done", "none")],
            recorder.Of(TelemetryNames.Versions).Select(m => (m[TelemetryNames.Outcome], m[TelemetryNames.Reason])));
        Assert.Equal(2, recorder.Of(TelemetryNames.HandlerDuration).Count);

        // Only the write has a lag; the duplicate wrote nothing.
        RecordedMeasurement lag = Assert.Single(recorder.Of(TelemetryNames.ReplicationLag));
        Assert.Equal("s", lag.Unit);
        Assert.True(lag.Value >= 0);

        RecordedMeasurement[] calls = [.. recorder.Of(TelemetryNames.RemoteCallDuration)];
        Assert.Equal(
            [TelemetryNames.BlobService, TelemetryNames.KeyVaultService, TelemetryNames.SecretsManagerService],
            calls.Select(call => call[TelemetryNames.Service]).Distinct().Order(StringComparer.Ordinal));
        Assert.All(calls, call => Assert.Equal([TelemetryNames.Operation, TelemetryNames.Result, TelemetryNames.Service], call.Tags.Keys.Order(StringComparer.Ordinal)));
        Assert.Contains(calls, call => call[TelemetryNames.Operation] == "PutBlob" && call[TelemetryNames.Result] == "ok");

        // Tags are codes: no secret, target or container name reaches a metric.
        Assert.All(recorder.Measurements.SelectMany(m => m.Tags.Values), tag => Assert.DoesNotContain(name, tag ?? string.Empty));
    }

    private static bool Descends(TelemetryRecorder recorder, Activity span, Activity ancestor)
    {
        for (Activity? current = span; current is not null; current = recorder.Spans.FirstOrDefault(s => s.SpanId == current.ParentSpanId))
        {
            if (current.SpanId == ancestor.SpanId)
            {
                return true;
            }
        }

        return false;
    }

    private static string ExportedText(Activity span) =>
        string.Join(" ", span.TagObjects.Select(tag => $"{tag.Key}={tag.Value}").Concat(span.Events.Select(e => e.Name)).Append(span.DisplayName).Append(span.StatusDescription));
}
