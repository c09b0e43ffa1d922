using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;

namespace KvReplicator.Tests.SecretsManager;

/// <summary>What counts as a difference between an existing secret's settings and the target's configuration.</summary>
public sealed class SecretSettingsTests
{
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},"Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],"Resource":"*"}]}""";

    [Theory]
    [InlineData("""
        {
          "Statement": [ { "Resource": "*", "Action": [ "secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue" ],
                           "Principal": { "AWS": [ "arn:aws:iam::111122223333:role/reader" ] }, "Effect": "Allow" } ],
          "Version": "2012-10-17"
        }
        """)]
    [InlineData("""{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},"Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],"Resource":["*"]}}""")]
    public void A_policy_reformatted_reordered_or_with_one_element_lists_as_values_is_the_same_policy(string returned) =>
        Assert.True(SecretSettings.PoliciesEquivalent(returned, Policy));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}""")]
    [InlineData("""{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},"Action":["secretsmanager:GetSecretValue","secretsmanager:DescribeSecret"],"Resource":"*"}]}""")]
    public void No_policy_or_one_granting_something_else_differs(string? returned) =>
        Assert.False(SecretSettings.PoliciesEquivalent(returned, Policy));

    [Theory]
    [InlineData("1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", true)]
    [InlineData("arn:aws:kms:eu-west-1:111122223333:alias/payments", "alias/payments", true)]
    [InlineData(null, "alias/aws/secretsmanager", true)]
    [InlineData("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "arn:aws:kms:eu-west-1:111122223333:key/ffffffff-12ab-34cd-56ef-1234567890ab", false)]
    [InlineData(null, "alias/payments", false)]
    // An alias and the key it points to cannot be told apart without asking KMS: they differ here.
    [InlineData("arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab", "alias/payments", false)]
    public void Kms_keys_are_the_same_in_their_id_arn_and_alias_forms(string? actual, string configured, bool same) =>
        Assert.Equal(same, SecretSettings.SameKmsKey(actual, configured));

    [Fact]
    public void Nothing_configured_is_nothing_compared()
    {
        var options = new SecretsManagerOptions { Region = "eu-west-1" };
        var described = new DescribeSecretResponse { KmsKeyId = "arn:aws:kms:eu-west-1:111122223333:key/someone-elses", ReplicationStatus = [new ReplicationStatusType { Region = "us-east-1", Status = "Failed" }] };

        Assert.False(SecretSettings.NeedsDescription(options));
        Assert.False(SecretSettings.ComparesPolicy(options));
        Assert.True(SecretSettings.Compare("kv/a", options, described, policy: """{"Version":"2012-10-17","Statement":[]}""").IsEmpty);
    }

    [Fact]
    public void Missing_regions_are_added_a_failed_replica_or_one_under_another_key_is_reported_and_an_extra_one_is_left_alone()
    {
        var options = new SecretsManagerOptions
        {
            Region = "eu-west-1",
            KmsKeyId = "alias/payments",
            ReplicaRegions = ["eu-central-1", "us-east-1", "us-east-2", "ap-south-1"],
            ReplicaKmsKeyIds = new Dictionary<string, string> { ["us-east-2"] = "alias/payments-us", ["ap-south-1"] = "alias/payments-ap" },
        };
        var described = new DescribeSecretResponse
        {
            KmsKeyId = "arn:aws:kms:eu-west-1:111122223333:alias/payments",
            ReplicationStatus =
            [
                new ReplicationStatusType { Region = "us-east-1", Status = "Failed", StatusMessage = "Secret with this name already exists in this region" },
                new ReplicationStatusType { Region = "us-east-2", Status = "InSync", KmsKeyId = "alias/aws/secretsmanager" },
                new ReplicationStatusType { Region = "ap-south-1", Status = "InSync", KmsKeyId = "arn:aws:kms:ap-south-1:111122223333:alias/payments-ap" },
                new ReplicationStatusType { Region = "sa-east-1", Status = "InSync" },
            ],
        };

        TargetSettingsDrift drift = SecretSettings.Compare("kv/a", options, described, policy: null);

        Assert.Null(drift.KmsKeyId);
        Assert.False(drift.ResourcePolicyDiffers);
        Assert.Equal(["eu-central-1"], drift.MissingReplicaRegions);
        Assert.Equal(2, drift.ReplicaFindings.Count);
        Assert.Contains("us-east-1 failed (Secret with this name already exists in this region)", drift.ReplicaFindings[0], StringComparison.Ordinal);
        Assert.Contains("us-east-2 is encrypted with alias/aws/secretsmanager, not alias/payments-us", drift.ReplicaFindings[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Another_key_on_the_secret_and_a_missing_policy_differ()
    {
        var options = new SecretsManagerOptions { Region = "eu-west-1", KmsKeyId = " alias/payments ", ResourcePolicy = Policy };

        TargetSettingsDrift drift = SecretSettings.Compare("kv/a", options, new DescribeSecretResponse(), policy: null);

        Assert.Equal(("alias/payments", "alias/aws/secretsmanager", true), (drift.KmsKeyId, drift.CurrentKmsKeyId, drift.ResourcePolicyDiffers));
    }
}
