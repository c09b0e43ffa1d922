using System.Diagnostics;
using KvReplicator.Diagnostics;

namespace KvReplicator.Tests.Diagnostics;

public sealed class KvReplicatorTelemetryTests
{
    [Theory]
    [InlineData("Azure.RequestFailedException", "Azure.RequestFailedException")]
    [InlineData("SecretNotFound", "SecretNotFound")]
    [InlineData("ConditionNotMet", "ConditionNotMet")]
    [InlineData("503", "503")]
    // A body that quotes the value in its error code (tests/Shared/SecretsManager/RequestQuotingSecretsManager.cs does).
    [InlineData("KvQuoted2920f23c313c43b38e756236f6244f35", "_OTHER")]
    public void A_failed_Azure_SDK_span_keeps_only_a_known_error_type_and_is_described_by_it_not_by_the_exception_message(string errorType, string kept)
    {
        KvReplicatorTelemetry.EnableAzureSdkActivities();
        using var azure = new ActivitySource("Azure.Security.KeyVault.Secrets.SecretClient");
        using var recorded = new ActivityListener
        {
            ShouldListenTo = source => source == azure,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(recorded);

        Activity failed = azure.StartActivity("SecretClient.GetSecret")!;
        failed.SetTag("error.type", errorType);
        failed.SetStatus(ActivityStatusCode.Error, "Service request failed. Content: {\"value\":\"quoted-by-a-broken-endpoint\"}");
        failed.Stop();
        Activity succeeded = azure.StartActivity("SecretClient.GetSecret")!;
        succeeded.Stop();

        Assert.Equal((ActivityStatusCode.Error, kept, kept), (failed.Status, failed.StatusDescription, failed.GetTagItem("error.type")));
        Assert.Equal((ActivityStatusCode.Unset, null), (succeeded.Status, succeeded.StatusDescription));
    }
}
