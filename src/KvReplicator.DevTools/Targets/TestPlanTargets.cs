using System.Net.Security;
using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.Runtime.CredentialManagement;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Credentials;
using KvReplicator.DevTools.Local;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.TestPlan.Targets;

namespace KvReplicator.DevTools.Targets;

/// <summary>The test plan's targets other than an in-process local cloud: a running <c>kvrep-dev localcloud</c>, and a real deployment.</summary>
internal static class TestPlanTargets
{
    /// <summary>The re-delivery key comes only from the environment, so it never shows in argv, shell history or process lists.</summary>
    public const string RedeliverKeyVariable = "KVREP_REDELIVER_KEY";

    /// <summary>The same target with an HTTP re-deliverer to the replicator's webhook, so case 2 can run.</summary>
    public static TestPlanTarget WithRedeliverer(TestPlanTarget target, Uri webhook, string? key, bool keyInQuery, HttpClient? http = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (keyInQuery && string.IsNullOrEmpty(key))
        {
            throw new ArgumentException($"--redeliver-key-in-query needs the key in {RedeliverKeyVariable}.");
        }

        return new TestPlanTarget(target.Description, target.Vault, target.Aws, target.Names, target.Faults, target.FaultsUnavailableReason)
        {
            Redeliverer = new HttpEventRedeliverer(http ?? new HttpClient(), webhook, target.Vault.VaultUri, key: key, keyInQuery: keyInQuery),
        };
    }

    /// <summary>A local cloud in another process: its stand-ins are reachable, its replicator's internals are not.</summary>
    public static TestPlanTarget ForRunningLocalCloud(LocalCloudEnvironmentFile file, string path)
    {
        string pinned = file.CertificateThumbprintSha256;
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                    certificate is not null && string.Equals(certificate.GetCertHashString(HashAlgorithmName.SHA256), pinned, StringComparison.OrdinalIgnoreCase),
            },
        };
        var vault = new SecretClient(file.VaultUri, new LocalKeyVaultCredential(), new SecretClientOptions
        {
            DisableChallengeResourceVerification = true,
            Transport = new HttpClientTransport(handler),
        });
        SecretsManagerClient aws = LocalDeployment.CreateVerificationClient(new HttpClient(), file.MotoEndpoint, file.AwsRegion);
        return new TestPlanTarget(
            $"local cloud of process {file.ProcessId} ({path})",
            vault,
            aws,
            new SecretNameMapper(file.TargetPrefix),
            faults: null,
            faultsUnavailableReason: "attached to a running kvrep-dev localcloud; use --fresh for an in-process local cloud");
    }

    /// <summary>
    /// A real deployment: Key Vault through DefaultAzureCredential (needs Key Vault Secrets Officer to write and
    /// delete test secrets), Secrets Manager through a profile or the SDK's default chain (needs only
    /// GetSecretValue, ListSecretVersionIds and DescribeSecret on the replicated names).
    /// </summary>
    public static TestPlanTarget ForDeployment(Uri keyVaultUri, string awsRegion, string? awsProfile, string targetPrefix)
    {
        ICredentialSource credentials;
        if (awsProfile is null)
        {
            credentials = new AwsSdkCredentialSource();
        }
        else if (new CredentialProfileStoreChain().TryGetAWSCredentials(awsProfile, out AWSCredentials? profile))
        {
            credentials = new AwsSdkCredentialSource(profile, $"aws-profile:{awsProfile}");
        }
        else
        {
            throw new ArgumentException($"AWS profile '{awsProfile}' was not found in the shared config or credentials files.");
        }

        var vault = new SecretClient(keyVaultUri, new DefaultAzureCredential());
        var aws = new SecretsManagerClient(new HttpClient(), credentials, new SecretsManagerOptions { Region = awsRegion });
        return new TestPlanTarget(
            $"{keyVaultUri} -> Secrets Manager {awsRegion}",
            vault,
            aws,
            new SecretNameMapper(targetPrefix),
            faults: null,
            faultsUnavailableReason: "a real deployment");
    }
}
