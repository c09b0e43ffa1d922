namespace KvReplicator;

/// <summary>
/// Supplies short-lived AWS credentials for Secrets Manager calls. Implementations cache and refresh
/// ahead of expiry; a failure throws <see cref="SecretStoreException"/> marked
/// transient, so the event is retried rather than skipped.
/// </summary>
internal interface ICredentialSource
{
    /// <summary>The settings section that chooses and configures the source, for the messages of the adapters that use it.</summary>
    const string SettingsSection = "KvReplicator:Credentials";

    /// <summary>The preflight's name for the credentials' check, which the checks of the AWS stores wait for.</summary>
    const string PreflightStoreName = "AWS credentials";

    /// <summary>A short name for logs, e.g. <c>roles-anywhere-native</c>.</summary>
    string Name { get; }

    ValueTask<AwsCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default);
}
