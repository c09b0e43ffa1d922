using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.TestPlan.Targets;

namespace KvReplicator.DevTools.Local;

/// <summary>
/// The test plan's levers on an in-process local deployment: the grid, the replicator's STS exchange (its
/// production web identity credential source stays untouched) and its Secrets Manager traffic.
/// </summary>
internal sealed class LocalFaults(
    LocalCloudEnvironment cloud,
    string credentialSourceName,
    LocalStsExchange sts,
    LocalSigningTally signing,
    LocalThrottle throttle) : ILocalFaults
{
    public DeliveryTally Deliveries
    {
        get
        {
            LocalEventGridCounters counters = cloud.EventGrid.Counters;
            return new DeliveryTally(counters.Delivered, counters.Retried, counters.DeadLettered, counters.Duplicated);
        }
    }

    public CredentialTally Credentials => new(
        credentialSourceName, signing.SignedRequests, signing.WithSessionToken, signing.WithTemporaryKey, signing.DistinctAccessKeys, sts.SessionsIssued, sts.SessionLifetime);

    public long ThrottledCalls => throttle.Throttled;

    public async Task RedeliverAsync(string secretName, string version, int times, CancellationToken cancellationToken = default)
    {
        // What Key Vault announced for the version, published again: Event Grid's at-least-once redelivery.
        var created = new SecretVersionCreated(cloud.KeyVault.VaultName, cloud.KeyVault.VaultUri, secretName, version, DateTimeOffset.UtcNow, null, null);
        for (int i = 0; i < times; i++)
        {
            cloud.EventGrid.Publish(created);
        }

        await cloud.EventGrid.WhenIdleAsync(cancellationToken).ConfigureAwait(false);
    }

    public void BreakCredentials() => sts.Refuse();

    public void RestoreCredentials() => sts.Admit();

    public void SetThrottleRate(double rate) => throttle.Rate = rate;

    public async Task DeleteAwsSecretAsync(string targetName, CancellationToken cancellationToken = default)
    {
        using var http = new HttpClient();
        SecretsManagerClient client = cloud.CreateSecretsManagerClient(http);
        try
        {
            await client.DeleteSecretAsync(new DeleteSecretRequest { SecretId = targetName, ForceDeleteWithoutRecovery = true }, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretsManagerException exception) when (exception.ErrorType == "ResourceNotFoundException")
        {
            // Already gone, which is what was asked.
        }
    }
}
