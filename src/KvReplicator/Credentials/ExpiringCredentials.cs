namespace KvReplicator.Credentials;

/// <summary>Temporary AWS credentials and the instant AWS stops accepting them.</summary>
internal sealed class ExpiringCredentials
{
    public ExpiringCredentials(AwsCredentials credentials, DateTimeOffset expiration)
    {
        Credentials = credentials ?? throw new ArgumentNullException(nameof(credentials));
        Expiration = expiration;
    }

    public AwsCredentials Credentials { get; }

    public DateTimeOffset Expiration { get; }

    // Never print the keys, even by accident in a debugger or a structured log.
    public override string ToString() => $"AWS credentials expiring {Expiration:O}";
}
