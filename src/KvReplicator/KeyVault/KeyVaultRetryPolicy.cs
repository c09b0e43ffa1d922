using Azure.Core;
using Azure.Core.Pipeline;

namespace KvReplicator.KeyVault;

/// <summary>
/// Azure.Core's retry policy with its default settings, except that it does not retry what no retry mends: an
/// untrusted TLS certificate or a host name that does not exist (<see cref="KeyVaultFailures.IsPermanentTransportFailure"/>).
/// Retried, a wrong certificate pin held every delivery for about six seconds before failing the same way.
/// </summary>
internal sealed class KeyVaultRetryPolicy : RetryPolicy
{
    // ClientOptions.Retry's defaults: three retries, exponential from 0.8 s, at most a minute apart.
    public KeyVaultRetryPolicy()
        : base(maxRetries: 3, DelayStrategy.CreateExponentialDelayStrategy(TimeSpan.FromSeconds(0.8), TimeSpan.FromMinutes(1)))
    {
    }

    protected override bool ShouldRetry(HttpMessage message, Exception? exception) =>
        !IsPermanent(exception) && base.ShouldRetry(message, exception);

    protected override ValueTask<bool> ShouldRetryAsync(HttpMessage message, Exception? exception) =>
        IsPermanent(exception) ? ValueTask.FromResult(false) : base.ShouldRetryAsync(message, exception);

    private static bool IsPermanent(Exception? exception) => exception is not null && KeyVaultFailures.IsPermanentTransportFailure(exception);
}
