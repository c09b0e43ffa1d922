using Amazon.Runtime;
using KvReplicator.Credentials;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.Testing;

namespace KvReplicator.IntegrationTests.SecretsManager;

/// <summary>The real client and target against the shared moto (which accepts any key while not checking signatures).</summary>
internal static class MotoSecretsManager
{
    public static async Task<(SecretsManagerClient Client, SecretsManagerOptions Options)> CreateClientAsync(Action<SecretsManagerOptions>? configure = null)
    {
        var moto = await SharedEmulators.MotoAsync();
        var options = new SecretsManagerOptions { Region = "us-east-1", ServiceUrl = moto.Endpoint, BaseDelay = TimeSpan.FromMilliseconds(50) };
        configure?.Invoke(options);
        var client = new SecretsManagerClient(new HttpClient(), new AwsSdkCredentialSource(new BasicAWSCredentials("testing", "testing")), options);
        return (client, options);
    }

    public static async Task<(SecretsManagerClient Client, SecretsManagerTarget Target)> CreateTargetAsync(Action<SecretsManagerOptions>? configure = null)
    {
        (SecretsManagerClient client, SecretsManagerOptions options) = await CreateClientAsync(configure);
        return (client, new SecretsManagerTarget(client, options));
    }

    public static string NewVersionId() => Guid.NewGuid().ToString("N");

    public static TargetSecretWrite Write(string targetName, string versionId, string value, TargetVersionStage stage = TargetVersionStage.Current, bool knownOwned = false) => new()
    {
        TargetName = targetName,
        VersionId = versionId,
        Value = new SecretValue(SecretLeakGuard.Register(value)),
        Stage = stage,
        TargetKnownOwned = knownOwned,
        Source = new SourceSecretVersion { VaultName = "vault1", Name = "app-secret", Version = versionId, Value = new SecretValue(value) },
    };
}
