using KvReplicator.Credentials;
using KvReplicator.Replication;

namespace KvReplicator.DevTools.Chaos;

/// <summary>An <see cref="ICredentialSource"/> whose refreshes sometimes fail, as an STS or Roles Anywhere outage would.</summary>
internal sealed class FlakyCredentialSource : ICredentialSource
{
    public const string Edge = "aws-credentials";

    private static readonly string[] s_kinds = [FaultKinds.RefreshFailure];

    private readonly ICredentialSource _inner;
    private readonly FaultInjector _faults;

    public FlakyCredentialSource(ICredentialSource inner, FaultInjector faults)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        _faults = faults ?? throw new ArgumentNullException(nameof(faults));
    }

    public string Name => _inner.Name;

    public ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default) =>
        _faults.Next(Edge, s_kinds) is null
            ? _inner.GetCredentialsAsync(cancellationToken)
            : ValueTask.FromException<AwsCredentials>(
                new SecretStoreException($"Credential source '{Name}' could not refresh credentials (injected)", isTransient: true, "CredentialRefreshFailed"));
}
