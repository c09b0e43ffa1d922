using Azure;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Credentials;
using Moq;

namespace KvReplicator.Tests.Credentials;

/// <summary>A Moq'd <see cref="SecretClient"/> holding the Roles Anywhere secrets under their default names; absent secrets answer 404 as Key Vault does.</summary>
internal static class CertificateVault
{
    public static Mock<SecretClient> Holding(string? certificatePem, string? privateKeyPem, string? chainPem)
    {
        var options = new RolesAnywhereOptions();
        var secrets = new Dictionary<string, string?>
        {
            [options.CertificateSecretName] = certificatePem,
            [options.PrivateKeySecretName] = privateKeyPem,
            [options.ChainSecretName] = chainPem,
        };
        var client = new Mock<SecretClient>(MockBehavior.Strict);
        client
            .Setup(c => c.GetSecretAsync(It.IsAny<string>(), null, It.IsAny<CancellationToken>()))
            .Returns((string name, string? _, CancellationToken _) => secrets.TryGetValue(name, out string? value) && value is not null
                ? Task.FromResult(Response.FromValue(SecretModelFactory.KeyVaultSecret(new SecretProperties(name), value), Mock.Of<Response>()))
                : Task.FromException<Response<KeyVaultSecret>>(new RequestFailedException(404, "Secret not found", "SecretNotFound", null)));
        return client;
    }

    public static KeyVaultCertificateMaterialReader Reader(Mock<SecretClient> client) => new(client.Object, new RolesAnywhereOptions());
}
