using Amazon.Runtime;
using Amazon.Runtime.Credentials;

namespace KvReplicator.Credentials;

/// <summary>
/// Credentials from AWSSDK.Core: by default its credential chain (environment, profile, web identity,
/// container and instance metadata), resolved on first use; or the <see cref="AWSCredentials"/> given,
/// e.g. <see cref="BasicAWSCredentials"/> for an emulator. The SDK's credential objects cache and refresh.
/// </summary>
internal sealed class AwsSdkCredentialSource : ICredentialSource
{
    private readonly SemaphoreSlim _resolving = new(1, 1);
    private AWSCredentials? _credentials;

    /// <summary>Uses the SDK's default credential chain.</summary>
    public AwsSdkCredentialSource()
    {
        Name = "aws-default-chain";
    }

    public AwsSdkCredentialSource(AWSCredentials credentials, string name = "aws-sdk-credentials")
    {
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _credentials = credentials;
        Name = name;
    }

    public string Name { get; }

    public async ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            AWSCredentials credentials = _credentials ?? await ResolveChainAsync(cancellationToken).ConfigureAwait(false);
            ImmutableCredentials resolved = await credentials.GetCredentialsAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
            return new AwsCredentials(resolved.AccessKey, resolved.SecretKey, resolved.Token);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception) when (exception is not SecretStoreException)
        {
            // The SDK's messages can name files and profiles; the type is enough to start looking.
            throw new SecretStoreException(
                $"AWS credentials could not be obtained from {Name}: {exception.GetType().Name}.", isTransient: true, "CredentialsUnavailable", exception);
        }
    }

    private async Task<AWSCredentials> ResolveChainAsync(CancellationToken cancellationToken)
    {
        await _resolving.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _credentials ??= await DefaultAWSCredentialsIdentityResolver.GetCredentialsAsync(null).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _resolving.Release();
        }
    }
}
