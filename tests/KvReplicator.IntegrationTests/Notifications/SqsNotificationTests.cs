using System.Text.Json;
using Amazon.SQS;
using Amazon.SQS.Model;
using KvReplicator.Credentials;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.IntegrationTests.Replication;
using KvReplicator.Notifications;
using KvReplicator.Replication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.IntegrationTests.Notifications;

/// <summary>Consumers told through a moto SQS FIFO queue, with the replicator composed as in production.</summary>
public sealed class SqsNotificationTests
{
    [Fact]
    public async Task A_written_version_is_announced_once_grouped_by_secret_and_deduplicated_by_version()
    {
        using AmazonSQSClient sqs = await SqsClientAsync();
        string queueUrl = (await sqs.CreateQueueAsync(new CreateQueueRequest
        {
            QueueName = SharedEmulators.UniqueName("kvrep-versions") + ".fifo",
            Attributes = new Dictionary<string, string> { ["FifoQueue"] = "true" },
        })).QueueUrl;
        CountingNotifier? counting = null;
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(
            services => services.AddSingleton<IReplicationNotifier>(provider => counting = new CountingNotifier(new SqsReplicationNotifier(
                provider.GetRequiredService<IOptions<NotificationOptions>>().Value, provider.GetRequiredService<ICredentialSource>()))),
            await NotificationSettingsAsync(queueUrl));
        string version = await harness.SetSecretAsync("notified", "never in a message");

        DeliveryResult first = await harness.DeliverAsync("notified", version);

        Assert.Equal(ReplicationOutcomeKind.Replicated, first.Events[0].Outcome.Kind);
        Assert.Null(first.Events[0].Outcome.Warning);
        Message message = Assert.Single(await ReceiveAsync(sqs, queueUrl));
        Assert.Equal(harness.TargetName("notified"), message.Attributes["MessageGroupId"]);
        Assert.Equal(version, message.Attributes["MessageDeduplicationId"]);
        using (JsonDocument body = JsonDocument.Parse(message.Body))
        {
            Assert.Equal(harness.TargetName("notified"), body.RootElement.GetProperty("secret").GetString());
            Assert.Equal(version, body.RootElement.GetProperty("version").GetString());
            Assert.Equal(2, body.RootElement.EnumerateObject().Count());
        }

        Assert.DoesNotContain("never in a message", message.Body, StringComparison.Ordinal);
        await sqs.DeleteMessageAsync(queueUrl, message.ReceiptHandle);

        // A duplicate delivery is answered by the ledger: nothing is written, so nothing is sent.
        DeliveryResult duplicate = await harness.DeliverAsync("notified", version);

        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, duplicate.Events[0].Outcome.Kind);
        Assert.Equal(1, counting!.Count);
        Assert.Empty(await ReceiveAsync(sqs, queueUrl));
    }

    [Fact]
    public async Task A_failed_notification_keeps_the_version_replicated_and_done_and_reports_a_warning()
    {
        string missingQueue = new Uri((await SharedEmulators.MotoAsync()).Endpoint, $"123456789012/{SharedEmulators.UniqueName("missing")}.fifo").ToString();
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(settings: await NotificationSettingsAsync(missingQueue));
        string version = await harness.SetSecretAsync("unannounced", "still replicated");

        DeliveryResult delivery = await harness.DeliverAsync("unannounced", version);

        ReplicationOutcome outcome = delivery.Events[0].Outcome;
        Assert.Equal(DeliveryDisposition.Completed, delivery.Disposition);
        Assert.Equal(ReplicationOutcomeKind.Replicated, outcome.Kind);
        Assert.Contains("notification failed", outcome.Warning, StringComparison.Ordinal);
        Assert.Equal(version, (await harness.AwsCurrentAsync("unannounced")).VersionId);
        Assert.Equal(ReplicationOutcomeKind.AlreadyDone, (await harness.DeliverAsync("unannounced", version)).Events[0].Outcome.Kind);
        Assert.Contains(harness.Logs.Entries, e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains("not notified", StringComparison.Ordinal));
        harness.Logs.AssertContainsNone(["still replicated"]);
    }

    private static async Task<Dictionary<string, string?>> NotificationSettingsAsync(string queueUrl) => new()
    {
        ["KvReplicator:Notifications:Enabled"] = "true",
        ["KvReplicator:Notifications:QueueUrl"] = queueUrl,
        ["KvReplicator:Notifications:Region"] = LocalCloudEnvironment.Region,
        ["KvReplicator:Notifications:ServiceUrl"] = (await SharedEmulators.MotoAsync()).Endpoint.ToString(),
        ["KvReplicator:Notifications:MaxRetries"] = "1",
    };

    private static async Task<AmazonSQSClient> SqsClientAsync() =>
        new(LocalCloudEnvironment.EmulatorCredentials, new AmazonSQSConfig
        {
            ServiceURL = (await SharedEmulators.MotoAsync()).Endpoint.ToString(),
            AuthenticationRegion = LocalCloudEnvironment.Region,
        });

    private static async Task<List<Message>> ReceiveAsync(AmazonSQSClient sqs, string queueUrl)
    {
        ReceiveMessageResponse received = await sqs.ReceiveMessageAsync(new ReceiveMessageRequest
        {
            QueueUrl = queueUrl,
            MaxNumberOfMessages = 10,
            WaitTimeSeconds = 0,
            MessageSystemAttributeNames = ["All"],
        });
        return received.Messages ?? [];
    }
}
