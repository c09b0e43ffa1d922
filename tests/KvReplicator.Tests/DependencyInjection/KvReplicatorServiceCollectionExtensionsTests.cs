using KvReplicator.DependencyInjection;
using KvReplicator.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.DependencyInjection;

public sealed class KvReplicatorServiceCollectionExtensionsTests
{
    [Fact]
    public void Renamed_roles_anywhere_secrets_are_excluded_from_replication_too()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KvReplicator:Credentials:RolesAnywhere:CertificateSecretName"] = "aws-client-cert",
            ["KvReplicator:Credentials:RolesAnywhere:PrivateKeySecretName"] = "aws-client-key",
            ["KvReplicator:Credentials:RolesAnywhere:ChainSecretName"] = "aws-client-chain",
        }).Build();
        using ServiceProvider services = new ServiceCollection().AddKvReplicator(configuration).BuildServiceProvider();

        IList<string> excluded = services.GetRequiredService<IOptions<ReplicationOptions>>().Value.ExcludedSecretNames;

        Assert.Contains("aws-client-key", excluded);
        Assert.Contains("aws-client-cert", excluded);
        Assert.Contains("aws-client-chain", excluded);
        Assert.Contains("kvrep-roles-anywhere-private-key", excluded);
    }
}
