using Amazon.Runtime;
using KvReplicator.Credentials;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using KvReplicator.Testing;

namespace KvReplicator.Tests.SecretsManager;

/// <summary>A real client over canned HTTP responses, with a fake clock.</summary>
internal sealed class SecretsManagerTestContext
{
    public SecretsManagerTestContext(Action<SecretsManagerOptions>? configure = null, AWSCredentials? credentials = null)
    {
        Options = new SecretsManagerOptions { Region = "us-east-1", MaxRetries = 0, BaseDelay = TimeSpan.Zero };
        configure?.Invoke(Options);
        Client = new SecretsManagerClient(
            new HttpClient(Handler),
            new AwsSdkCredentialSource(credentials ?? new BasicAWSCredentials("AKID", "SECRETKEY")),
            Options,
            Clock);
    }

    public CannedHttpMessageHandler Handler { get; } = new();

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public SecretsManagerOptions Options { get; }

    public SecretsManagerClient Client { get; }

    public SecretsManagerTarget CreateTarget() => new(Client, Options);

    /// <param name="knownOwned">The ledger remembers the target as ours: the write goes straight to PutSecretValue.</param>
    public static TargetSecretWrite Write(
        string name = "kv-app-db", string version = "0123456789abcdef0123456789abcdef", string value = "s3cr3t", TargetVersionStage stage = TargetVersionStage.Current, bool knownOwned = false) => new()
    {
        TargetName = name,
        VersionId = version,
        Value = new SecretValue(SecretLeakGuard.Register(value)),
        Stage = stage,
        TargetKnownOwned = knownOwned,
        Source = new SourceSecretVersion { VaultName = "vault1", Name = "app-db", Version = version, Value = new SecretValue(value) },
    };

    public const string OwnedDescribe = """
        {"ARN":"arn:aws:secretsmanager:us-east-1:123:secret:kv-app-db-AbCdEf","Name":"kv-app-db",
         "Tags":[{"Key":"managed-by","Value":"kvreplicator"},{"Key":"kvreplicator:source-vault","Value":"vault1"},{"Key":"kvreplicator:source-name","Value":"app-db"}],
         "VersionIdsToStages":{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":["AWSCURRENT"]}}
        """;

    public const string DeletedOwnedDescribe = """
        {"Name":"kv-app-db","DeletedDate":1767225600.123,
         "Tags":[{"Key":"managed-by","Value":"kvreplicator"},{"Key":"kvreplicator:source-vault","Value":"vault1"},{"Key":"kvreplicator:source-name","Value":"app-db"}]}
        """;

    public const string ForeignDescribe = """{"Name":"kv-app-db","Tags":[{"Key":"team","Value":"payments"}]}""";
}
