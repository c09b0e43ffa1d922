using Azure.Messaging;
using Azure.Messaging.EventGrid;
using KvReplicator.DeadLettering;
using KvReplicator.Events;
using KvReplicator.Replication;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Logging;

namespace KvReplicator.Functions;

/// <summary>
/// Event Grid triggers for Key Vault's <c>Microsoft.KeyVault.SecretNewVersionCreated</c>. The worker binds the
/// event in the schema the event subscription delivers, and a schema mismatch fails every binding, so the
/// subscription must target the function of its schema: <see cref="EventGridSchemaFunction"/> for
/// <c>EventGridSchema</c> (the default of infra/), <see cref="CloudEventSchemaFunction"/> for
/// <c>CloudEventSchemaV1_0</c>. Mapping, deduplication and the retry decision all live in the core.
/// </summary>
public sealed partial class ReplicateSecret
{
    public const string EventGridSchemaFunction = nameof(ReplicateSecret);
    public const string CloudEventSchemaFunction = nameof(ReplicateSecret) + "CloudEvent";

    private readonly KeyVaultEventProcessor _processor;
    private readonly RejectedDeliveryDeadLetterer _deadLetterer;
    private readonly ILogger<ReplicateSecret> _logger;

    public ReplicateSecret(KeyVaultEventProcessor processor, RejectedDeliveryDeadLetterer deadLetterer, ILogger<ReplicateSecret> logger)
    {
        _processor = processor;
        _deadLetterer = deadLetterer;
        _logger = logger;
    }

    [Function(EventGridSchemaFunction)]
    public async Task RunAsync([EventGridTrigger] EventGridEvent gridEvent, CancellationToken cancellationToken)
    {
        DeliveryResult result = await _processor.ProcessAsync(gridEvent, cancellationToken).ConfigureAwait(false);
        if (Conclude(result))
        {
            await _deadLetterer.DeadLetterAsync(gridEvent, result, cancellationToken).ConfigureAwait(false);
        }
    }

    [Function(CloudEventSchemaFunction)]
    public async Task RunCloudEventAsync([EventGridTrigger] CloudEvent cloudEvent, CancellationToken cancellationToken)
    {
        DeliveryResult result = await _processor.ProcessAsync(cloudEvent, cancellationToken).ConfigureAwait(false);
        if (Conclude(result))
        {
            await _deadLetterer.DeadLetterAsync(cloudEvent, result, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A throw is the only retry signal a trigger has: Event Grid then redelivers with back-off and, once its
    /// retry policy is spent, dead-letters. A permanent failure returns normally so the event does not loop, and
    /// true: Event Grid counts it delivered, so the caller dead-letters it (a failed write throws: retried).
    /// </summary>
    private bool Conclude(DeliveryResult result)
    {
        foreach (EventResult item in result.Events)
        {
            ReplicationOutcome outcome = item.Outcome;

            // What is left to do (a retry, a rejection) is a warning; a line without a reason ends without one.
            LogLevel level = outcome.Kind is ReplicationOutcomeKind.RetryLater or ReplicationOutcomeKind.Rejected ? LogLevel.Warning : LogLevel.Information;
            (string eventId, string vault, string secret, string version, string target) = (
                item.Event.EventId ?? "-", outcome.Version?.VaultName ?? "-", outcome.Version?.SecretName ?? "-", outcome.Version?.Version ?? "-", outcome.TargetName ?? "-");
            if (outcome.Reason is { } reason)
            {
                LogOutcomeWithReason(_logger, level, eventId, outcome.Kind, vault, secret, version, target, reason);
            }
            else
            {
                LogOutcome(_logger, level, eventId, outcome.Kind, vault, secret, version, target);
            }
        }

        switch (result.Disposition)
        {
            case DeliveryDisposition.RetryLater:
                throw new ReplicationDeferredException(result.Summary);
            case DeliveryDisposition.Rejected:
                LogRejected(_logger, result.Summary);
                return true;
            default:
                return false;
        }
    }

    [LoggerMessage(EventId = 100, Message = "Event {EventId}: {Outcome} {Vault}/{Secret}/{SecretVersion} -> {TargetName}")]
    private static partial void LogOutcome(ILogger logger, LogLevel level, string eventId, ReplicationOutcomeKind outcome, string vault,
        string secret, string secretVersion, string targetName);

    [LoggerMessage(EventId = 102, Message = "Event {EventId}: {Outcome} {Vault}/{Secret}/{SecretVersion} -> {TargetName}: {Reason}")]
    private static partial void LogOutcomeWithReason(ILogger logger, LogLevel level, string eventId, ReplicationOutcomeKind outcome, string vault,
        string secret, string secretVersion, string targetName, string reason);

    [LoggerMessage(EventId = 101, Level = LogLevel.Error,
        Message = "Delivery rejected: acknowledged without retry (it cannot succeed as is), see the outcomes above: {Summary}")]
    private static partial void LogRejected(ILogger logger, string summary);
}
