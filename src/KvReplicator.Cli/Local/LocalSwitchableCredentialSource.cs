using Amazon.Runtime;
using KvReplicator.Credentials;
using KvReplicator.Replication;

namespace KvReplicator.Cli.Local;

/// <summary>
/// LOCAL ONLY (test plan case 6): passes credentials through until it is broken, then fails as a revoked role
/// or an expired trust anchor would — transiently, so deliveries are retried — until it is restored.
/// </summary>
internal sealed class LocalSwitchableCredentialSource(ICredentialSource inner) : ICredentialSource
{
    private volatile bool _broken;

    public string Name => inner.Name;

    public bool IsBroken => _broken;

    public void Break() => _broken = true;

    public void Restore() => _broken = false;

    public ValueTask<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) =>
        _broken
            ? throw new SecretStoreException($"AWS credentials could not be obtained from {Name}: broken on purpose by the test plan.", isTransient: true, "CredentialsUnavailable")
            : inner.GetCredentialsAsync(cancellationToken);
}
