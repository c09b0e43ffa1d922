namespace KvReplicator;

/// <summary>
/// Supplies short-lived AWS credentials for Secrets Manager calls. Implementations cache and refresh
/// ahead of expiry; a failure throws <see cref="SecretStoreException"/> marked
/// transient, so the event is retried rather than skipped.
/// </summary>
internal interface ICredentialSource
{
    /// <summary>A short name for logs, e.g. <c>roles-anywhere-native</c>.</summary>
    string Name { get; }

    ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default);
}
