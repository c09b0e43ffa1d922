using Azure;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.KeyVault;
using KvReplicator.Replication;
using Moq;

namespace KvReplicator.Tests.KeyVault;

/// <summary>What the local Key Vault stand-in cannot show: secrets that Key Vault itself manages.</summary>
public sealed class KeyVaultSecretSourceTests
{
    [Fact]
    public async Task A_secret_backing_a_certificate_is_reported_as_managed_and_its_value_is_not_returned()
    {
        const string Version = "0123456789abcdef0123456789abcdef";
        var properties = SecretModelFactory.SecretProperties(
            id: new Uri($"https://vault1.vault.azure.net/secrets/tls-cert/{Version}"), name: "tls-cert", version: Version, managed: true);
        var client = new Mock<SecretClient>(MockBehavior.Strict);
        client.Setup(c => c.GetSecretAsync("tls-cert", Version, It.IsAny<CancellationToken>()))
            .ReturnsAsync(Response.FromValue(SecretModelFactory.KeyVaultSecret(properties, "-----BEGIN PRIVATE KEY-----"), Mock.Of<Response>()));

        SourceReadResult read = await new KeyVaultSecretSource(client.Object, "vault1").ReadVersionAsync("tls-cert", Version);

        Assert.Equal(SourceReadStatus.Managed, read.Status);
        Assert.Null(read.Secret);
    }
}
