using Amazon.Runtime;
using KvReplicator.Credentials;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;

namespace KvReplicator.IntegrationTests.SecretsManager;

/// <summary>What moto accepts and AWS refuses, through the real client and target: the stand-in answers as AWS does.</summary>
public sealed class AwsSecretsManagerRulesTests
{
    [Fact]
    public async Task A_value_over_65536_bytes_that_moto_accepts_is_refused_as_aws_refuses_it_permanently_and_without_a_retry()
    {
        string value = SecretLeakGuard.Register("oversized " + new string('z', 70_000));
        (SecretsManagerClient _, SecretsManagerTarget moto) = await MotoSecretsManager.CreateTargetAsync();
        var rules = new AwsSecretsManagerRules();
        SecretsManagerTarget aws = await TargetBehindAsync(rules);

        // moto takes the value whole, which is why the tests need the stand-in.
        TargetWriteResult accepted = await moto.WriteAsync(MotoSecretsManager.Write(SharedEmulators.UniqueName("big-moto"), MotoSecretsManager.NewVersionId(), value));
        SecretsManagerException refused = await Assert.ThrowsAsync<SecretsManagerException>(() =>
            aws.WriteAsync(MotoSecretsManager.Write(SharedEmulators.UniqueName("big-aws"), MotoSecretsManager.NewVersionId(), value)));

        Assert.True(accepted.CreatedSecret);
        Assert.Equal(("CreateSecret", "ValidationException", 400, false), (refused.Operation, refused.ErrorType, refused.HttpStatus, refused.IsTransient));
        // A write call's service message is never echoed (it may quote the request, value included): the type says why.
        Assert.DoesNotContain("Member must have length", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("zzzz", refused.Message, StringComparison.Ordinal);
        Assert.Equal(["CreateSecret: ValidationException"], rules.Refused);
    }

    [Fact]
    public async Task An_action_the_iam_policy_does_not_allow_is_refused_with_access_denied()
    {
        var rules = new AwsSecretsManagerRules("UntagResource");
        SecretsManagerTarget aws = await TargetBehindAsync(rules);
        string name = SharedEmulators.UniqueName("untag");
        string version = MotoSecretsManager.NewVersionId();
        await aws.WriteAsync(MotoSecretsManager.Write(name, version, SecretLeakGuard.Register("untag value")));

        SecretsManagerException refused = await Assert.ThrowsAsync<SecretsManagerException>(() =>
            aws.UpdateMetadataAsync(new TargetMetadataUpdate { TargetName = name, RemoveTagKeys = [ReplicationTags.SourceVersion] }));

        Assert.Equal(("UntagResource", "AccessDeniedException", true), (refused.Operation, refused.ErrorType, refused.IsAuthFailure));
        Assert.Contains("is not authorized to perform: secretsmanager:UntagResource", refused.Message, StringComparison.Ordinal);
    }

    private static async Task<SecretsManagerTarget> TargetBehindAsync(AwsSecretsManagerRules rules)
    {
        rules.InnerHandler = new SocketsHttpHandler();
        var options = new SecretsManagerOptions { Region = "us-east-1", ServiceUrl = (await SharedEmulators.MotoAsync()).Endpoint, BaseDelay = TimeSpan.FromMilliseconds(50) };
        var client = new SecretsManagerClient(new HttpClient(rules), new AwsSdkCredentialSource(new BasicAWSCredentials("testing", "testing")), options);
        return new SecretsManagerTarget(client, options);
    }
}
