using System.Net;
using System.Text.Json;
using KvReplicator.SecretsManager;

namespace KvReplicator.Tests.SecretsManager;

/// <summary>
/// Sync's comparison and repair of an existing secret's resource policy, KMS key and replica regions, on the wire:
/// what moto ignores (BlockPublicPolicy, a replica's KMS key) is checked here, in the requests sent.
/// </summary>
public sealed class SecretsManagerTargetSettingsTests
{
    private const string Policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/reader"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}""";
    private const string Key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    private const string OwnedWithReplica = """
        {"Name":"kv-app-db","Tags":[{"Key":"managed-by","Value":"kvreplicator"},{"Key":"kvreplicator:source-vault","Value":"vault1"},{"Key":"kvreplicator:source-name","Value":"app-db"}],
         "ReplicationStatus":[{"Region":"eu-west-1","KmsKeyId":"alias/aws/secretsmanager","Status":"InSync"}]}
        """;

    [Fact]
    public async Task Nothing_configured_compares_nothing_and_makes_no_call()
    {
        var context = new SecretsManagerTestContext();

        TargetSettingsDrift drift = await context.CreateTarget().CompareSettingsAsync("kv-app-db");

        Assert.True(drift.IsEmpty);
        Assert.Empty(context.Handler.Requests);
    }

    [Fact]
    public async Task Comparing_reads_the_description_and_the_policy_only()
    {
        var context = Configured();
        context.Handler.RespondOk(OwnedWithReplica).RespondOk("""{"Name":"kv-app-db"}""");

        TargetSettingsDrift drift = await context.CreateTarget().CompareSettingsAsync("kv-app-db");

        Assert.Equal(["DescribeSecret", "GetResourcePolicy"], context.Handler.Operations);
        Assert.Equal((true, Key, "alias/aws/secretsmanager"), (drift.ResourcePolicyDiffers, drift.KmsKeyId, drift.CurrentKmsKeyId));
        Assert.Equal(["eu-central-1"], drift.MissingReplicaRegions);
    }

    [Fact]
    public async Task Repairs_put_the_policy_with_Block_Public_Policy_change_the_key_and_add_the_missing_replica_with_its_key()
    {
        var context = Configured();
        context.Handler.RespondOk(OwnedWithReplica).RespondOk("""{"Name":"kv-app-db"}""").RespondOk("""{"Name":"kv-app-db"}""").RespondOk("""{"ARN":"x","ReplicationStatus":[]}""");

        await context.CreateTarget().RepairSettingsAsync(Drift());

        Assert.Equal(["DescribeSecret", "PutResourcePolicy", "UpdateSecret", "ReplicateSecretToRegions"], context.Handler.Operations);
        JsonElement put = context.Handler.Requests[1].Json;
        Assert.Equal(("kv-app-db", Policy, true), (put.GetProperty("SecretId").GetString(), put.GetProperty("ResourcePolicy").GetString(), put.GetProperty("BlockPublicPolicy").GetBoolean()));
        JsonElement update = context.Handler.Requests[2].Json;
        Assert.Equal(Key, update.GetProperty("KmsKeyId").GetString());

        // The key alone: no value, so no new version, and the description is left as it is.
        Assert.False(update.TryGetProperty("SecretString", out _) || update.TryGetProperty("SecretBinary", out _) || update.TryGetProperty("Description", out _));
        JsonElement replica = Assert.Single(context.Handler.Requests[3].Json.GetProperty("AddReplicaRegions").EnumerateArray());
        Assert.Equal(("eu-central-1", "alias/kv-fra"), (replica.GetProperty("Region").GetString(), replica.GetProperty("KmsKeyId").GetString()));
    }

    [Fact]
    public async Task One_repair_failing_does_not_keep_the_others_from_being_tried_and_the_failure_names_its_call()
    {
        var context = Configured();
        context.Handler
            .RespondOk(OwnedWithReplica)
            .RespondError(HttpStatusCode.BadRequest, "MalformedPolicyDocumentException", "public policy blocked")
            .RespondOk("""{"Name":"kv-app-db"}""")
            .RespondOk("""{"ARN":"x"}""");

        SecretStoreException failure = await Assert.ThrowsAsync<SecretStoreException>(() => context.CreateTarget().RepairSettingsAsync(Drift()));

        Assert.Equal(["DescribeSecret", "PutResourcePolicy", "UpdateSecret", "ReplicateSecretToRegions"], context.Handler.Operations);
        Assert.Contains("PutResourcePolicy", failure.Message, StringComparison.Ordinal);
        Assert.Contains("MalformedPolicyDocumentException", failure.Message, StringComparison.Ordinal);
        Assert.False(failure.IsTransient);
    }

    [Fact]
    public async Task A_replica_added_since_the_comparison_is_not_asked_for_again_and_a_secret_no_longer_ours_is_refused()
    {
        var context = Configured(withPolicy: false);
        context.Handler.RespondOk(OwnedWithReplica.Replace("\"InSync\"}]", "\"InSync\"},{\"Region\":\"eu-central-1\",\"Status\":\"InProgress\"}]", StringComparison.Ordinal));

        await context.CreateTarget().RepairSettingsAsync(Drift() with { ResourcePolicyDiffers = false, KmsKeyId = null });

        Assert.Equal(["DescribeSecret"], context.Handler.Operations);

        var foreign = Configured();
        foreign.Handler.RespondOk(SecretsManagerTestContext.ForeignDescribe);
        SecretStoreException refused = await Assert.ThrowsAsync<SecretStoreException>(() => foreign.CreateTarget().RepairSettingsAsync(Drift()));
        Assert.Equal(TargetErrorCodes.ForeignSecret, refused.ErrorCode);
        Assert.Equal(["DescribeSecret"], foreign.Handler.Operations);
    }

    private static SecretsManagerTestContext Configured(bool withPolicy = true) => new(options =>
    {
        options.ResourcePolicy = withPolicy ? Policy : null;
        options.KmsKeyId = Key;
        options.ReplicaRegions = ["eu-west-1", "eu-central-1"];
        options.ReplicaKmsKeyIds = new Dictionary<string, string> { ["eu-central-1"] = "alias/kv-fra" };
    });

    private static TargetSettingsDrift Drift() => new()
    {
        TargetName = "kv-app-db",
        ResourcePolicyDiffers = true,
        KmsKeyId = Key,
        CurrentKmsKeyId = "alias/aws/secretsmanager",
        MissingReplicaRegions = ["eu-central-1"],
    };
}
