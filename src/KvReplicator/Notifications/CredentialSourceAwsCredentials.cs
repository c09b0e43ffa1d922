using Amazon.Runtime;

namespace KvReplicator.Notifications;

/// <summary>
/// Lets an AWS SDK client sign with the replicator's own <see cref="ICredentialSource"/> (Roles Anywhere,
/// the SDK chain, an emulator's keys), so notifications need no credential of their own.
/// </summary>
internal sealed class CredentialSourceAwsCredentials : AWSCredentials
{
    private readonly ICredentialSource _source;

    public CredentialSourceAwsCredentials(ICredentialSource source)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
    }

    // The SDK's async paths call GetCredentialsAsync; the sync one is only there to satisfy the base class.
    public override ImmutableCredentials GetCredentials() => GetCredentialsAsync().GetAwaiter().GetResult();

    public override async Task<ImmutableCredentials> GetCredentialsAsync()
    {
        AwsCredentials credentials = await _source.GetCredentialsAsync().ConfigureAwait(false);
        return new ImmutableCredentials(credentials.AccessKey, credentials.SecretKey, credentials.Token);
    }
}
