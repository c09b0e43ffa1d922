using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.SQS;
using Amazon.SQS.Model;

namespace KvReplicator.Notifications;

/// <summary>
/// Sends one message per replicated version to an SQS FIFO queue. The message group is the target
/// secret, so a consumer sees one secret's versions in the order they were written; the de-duplication
/// id is the version id, so a second send of the same version within SQS's five-minute window is dropped.
/// </summary>
internal sealed class SqsReplicationNotifier : IReplicationNotifier, IDisposable
{
    private readonly AmazonSQSClient _client;
    private readonly string _queueUrl;

    public SqsReplicationNotifier(NotificationOptions options, ICredentialSource credentials)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(credentials);
        _queueUrl = options.QueueUrl?.ToString() ?? throw new ArgumentException("QueueUrl is required.", nameof(options));
        var config = new AmazonSQSConfig
        {
            MaxErrorRetry = options.MaxRetries,
            Timeout = options.Timeout,
        };

        if (options.ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl.ToString();
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        _client = new AmazonSQSClient(new CredentialSourceAwsCredentials(credentials), config);
    }

    public async Task NotifyAsync(ReplicationNotification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        var request = new SendMessageRequest
        {
            QueueUrl = _queueUrl,
            MessageBody = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["secret"] = notification.TargetName,
                ["version"] = notification.VersionId,
            }),
            // Group ids allow 128 characters, like secret names with a prefix may exceed: cut, never fail.
            MessageGroupId = notification.TargetName.Length <= 128 ? notification.TargetName : notification.TargetName[..128],
            MessageDeduplicationId = notification.VersionId,
        };

        try
        {
            await _client.SendMessageAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonServiceException ex)
        {
            // Only the code and status: service messages are not ours to vouch for.
            throw new SecretStoreException($"SQS SendMessage failed: {ex.ErrorCode ?? "unknown error"} (HTTP {(int)ex.StatusCode})", isTransient: true, ex.ErrorCode, ex);
        }
        catch (Exception ex) when (ex is AmazonClientException or HttpRequestException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw new SecretStoreException($"SQS SendMessage failed: {ex.GetType().Name}", isTransient: true, "NotificationFailed", ex);
        }
    }

    public void Dispose() => _client.Dispose();
}
