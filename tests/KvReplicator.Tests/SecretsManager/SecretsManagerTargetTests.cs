using System.Net;
using System.Text.Json;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;

namespace KvReplicator.Tests.SecretsManager;

public sealed class SecretsManagerTargetTests
{
    private const string Version = "0123456789abcdef0123456789abcdef";
    private const string OtherVersion = "fedcba9876543210fedcba9876543210";

    [Fact]
    public async Task Creates_a_missing_secret_with_the_value_tags_and_version_token()
    {
        var context = new SecretsManagerTestContext(options => { options.KmsKeyId = "alias/kvrep"; options.ReplicaRegions = ["eu-west-1"]; });
        context.Handler
            .RespondError(HttpStatusCode.NotFound, "ResourceNotFoundException")
            .RespondOk($$"""{"Name":"kv-app-db","VersionId":"{{Version}}"}""");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write());

        Assert.Equal(new TargetWriteResult(CreatedSecret: true, RestoredSecret: false, VersionIsCurrent: true), result);
        Assert.Equal(["DescribeSecret", "CreateSecret"], context.Handler.Operations);
        JsonElement create = context.Handler.Requests[1].Json;
        Assert.Equal("kv-app-db", create.GetProperty("Name").GetString());
        Assert.Equal(Version, create.GetProperty("ClientRequestToken").GetString());
        Assert.Equal("s3cr3t", create.GetProperty("SecretString").GetString());
        Assert.Equal("alias/kvrep", create.GetProperty("KmsKeyId").GetString());
        Assert.Equal("eu-west-1", create.GetProperty("AddReplicaRegions")[0].GetProperty("Region").GetString());
        Dictionary<string, string> tags = create.GetProperty("Tags").EnumerateArray()
            .ToDictionary(tag => tag.GetProperty("Key").GetString()!, tag => tag.GetProperty("Value").GetString()!);
        Assert.Equal("kvreplicator", tags[ReplicationTags.ManagedBy]);
        Assert.Equal("vault1", tags[ReplicationTags.SourceVault]);
        Assert.Equal("app-db", tags[ReplicationTags.SourceName]);
        Assert.Equal(Version, tags[ReplicationTags.SourceVersion]);
    }

    [Fact]
    public async Task An_overtaken_version_for_a_missing_secret_writes_nothing_and_asks_for_the_current_version_first()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondError(HttpStatusCode.BadRequest, "ResourceNotFoundException");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(makeCurrent: false));

        Assert.True(result.NeedsCurrentVersionFirst);
        Assert.False(result.CreatedSecret);
        Assert.Equal(["DescribeSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task An_overtaken_version_for_a_secret_without_a_current_version_asks_for_the_current_version_first()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk("""{"Name":"kv-app-db","Tags":[{"Key":"managed-by","Value":"kvreplicator"}],"VersionIdsToStages":{}}""");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(makeCurrent: false));

        Assert.True(result.NeedsCurrentVersionFirst);
        Assert.Equal(["DescribeSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task Writes_through_when_another_delivery_created_the_secret_first()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondError(HttpStatusCode.NotFound, "ResourceNotFoundException")
            .RespondError(HttpStatusCode.BadRequest, "ResourceExistsException", "The operation failed because the secret kv-app-db already exists.")
            .RespondOk(SecretsManagerTestContext.OwnedDescribe)
            .RespondOk($$"""{"VersionId":"{{Version}}"}""");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write());

        Assert.Equal(new TargetWriteResult(CreatedSecret: false, RestoredSecret: false), result);
        Assert.Equal(["DescribeSecret", "CreateSecret", "DescribeSecret", "PutSecretValue"], context.Handler.Operations);
        Assert.False(context.Handler.Requests[3].Json.TryGetProperty("VersionStages", out _));
    }

    [Fact]
    public async Task Restores_a_secret_scheduled_for_deletion_before_writing()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondOk(SecretsManagerTestContext.DeletedOwnedDescribe)
            .RespondOk("""{"Name":"kv-app-db"}""")
            .RespondOk($$"""{"VersionId":"{{Version}}"}""");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write());

        Assert.Equal(new TargetWriteResult(CreatedSecret: false, RestoredSecret: true), result);
        Assert.Equal(["DescribeSecret", "RestoreSecret", "PutSecretValue"], context.Handler.Operations);
    }

    [Fact]
    public async Task Costs_one_call_per_version_once_ownership_is_known()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondOk(SecretsManagerTestContext.OwnedDescribe)
            .RespondOk($$"""{"VersionId":"{{Version}}"}""")
            .RespondOk($$"""{"VersionId":"{{OtherVersion}}"}""");
        SecretsManagerTarget target = context.CreateTarget();

        await target.WriteAsync(SecretsManagerTestContext.Write());
        TargetWriteResult second = await target.WriteAsync(SecretsManagerTestContext.Write(version: OtherVersion, value: "next"));

        Assert.Equal(new TargetWriteResult(false, false), second);
        Assert.Equal(["DescribeSecret", "PutSecretValue", "PutSecretValue"], context.Handler.Operations);
        Assert.Equal(OtherVersion, context.Handler.Requests[2].Json.GetProperty("ClientRequestToken").GetString());
    }

    [Fact]
    public async Task Describes_again_once_the_ownership_cache_expires()
    {
        var context = new SecretsManagerTestContext(options => options.OwnershipCacheDuration = TimeSpan.FromMinutes(5));
        context.Handler
            .RespondOk(SecretsManagerTestContext.OwnedDescribe)
            .RespondOk("{}")
            .RespondOk("{}")
            .RespondOk(SecretsManagerTestContext.OwnedDescribe)
            .RespondOk("{}");
        SecretsManagerTarget target = context.CreateTarget();

        await target.WriteAsync(SecretsManagerTestContext.Write());
        context.Clock.Advance(TimeSpan.FromMinutes(4));
        await target.WriteAsync(SecretsManagerTestContext.Write(version: OtherVersion));
        context.Clock.Advance(TimeSpan.FromMinutes(2));
        await target.WriteAsync(SecretsManagerTestContext.Write(version: OtherVersion));

        Assert.Equal(["DescribeSecret", "PutSecretValue", "PutSecretValue", "DescribeSecret", "PutSecretValue"], context.Handler.Operations);
    }

    [Fact]
    public async Task Refuses_a_secret_without_the_managed_by_tag()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk(SecretsManagerTestContext.ForeignDescribe);

        var exception = await Assert.ThrowsAsync<SecretStoreException>(() => context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write()));

        Assert.False(exception.IsTransient);
        Assert.Equal(SecretsManagerTarget.ForeignSecretErrorCode, exception.ErrorCode);
        Assert.DoesNotContain("s3cr3t", exception.Message, StringComparison.Ordinal);
        Assert.Equal(["DescribeSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task Refuses_a_secret_fed_by_another_source()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk("""{"Name":"kv-app-db","Tags":[{"Key":"managed-by","Value":"kvreplicator"},{"Key":"kvreplicator:source-vault","Value":"other-vault"}]}""");

        var exception = await Assert.ThrowsAsync<SecretStoreException>(() => context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write()));

        Assert.False(exception.IsTransient);
        Assert.Equal(SecretsManagerTarget.SourceMismatchErrorCode, exception.ErrorCode);
    }

    [Fact]
    public async Task Adopts_a_foreign_secret_by_tagging_it_when_allowed()
    {
        var context = new SecretsManagerTestContext(options => options.AdoptForeignSecrets = true);
        context.Handler
            .RespondOk(SecretsManagerTestContext.ForeignDescribe)
            .RespondOk()
            .RespondOk($$"""{"VersionId":"{{Version}}"}""");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write());

        Assert.Equal(new TargetWriteResult(false, false), result);
        Assert.Equal(["DescribeSecret", "TagResource", "PutSecretValue"], context.Handler.Operations);
        JsonElement tag = context.Handler.Requests[1].Json;
        Assert.Contains(tag.GetProperty("Tags").EnumerateArray(), t => t.GetProperty("Key").GetString() == "managed-by" && t.GetProperty("Value").GetString() == "kvreplicator");
    }

    [Fact]
    public async Task Stores_an_overtaken_version_on_an_existing_secret_under_the_superseded_stage()
    {
        var context = new SecretsManagerTestContext(options => options.SupersededVersionStage = "old-one");
        context.Handler.RespondOk(SecretsManagerTestContext.OwnedDescribe).RespondOk("{}");

        await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(makeCurrent: false));

        Assert.Equal(["old-one"], context.Handler.Requests[1].Json.GetProperty("VersionStages").EnumerateArray().Select(stage => stage.GetString()));
    }

    [Theory]
    [InlineData("""{"VersionStages":["AWSCURRENT"]}""", true)]
    [InlineData("""{"VersionStages":["kvrep-superseded"]}""", false)]
    [InlineData("{}", false)]
    public async Task Reports_whether_the_written_version_is_current_from_the_stages_aws_answers(string putResponse, bool current)
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk(SecretsManagerTestContext.OwnedDescribe).RespondOk(putResponse);

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(makeCurrent: false));

        Assert.Equal(current, result.VersionIsCurrent);
    }

    [Fact]
    public async Task Reports_a_version_id_reused_with_another_value_as_a_permanent_conflict()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondOk(SecretsManagerTestContext.OwnedDescribe)
            .RespondError(HttpStatusCode.BadRequest, "ResourceExistsException", "You can't modify an existing version, you can only create a new version.");

        var exception = await Assert.ThrowsAsync<SecretStoreException>(() => context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write()));

        Assert.False(exception.IsTransient);
        Assert.Equal(SecretsManagerTarget.VersionConflictErrorCode, exception.ErrorCode);
    }

    [Fact]
    public async Task Restores_when_a_cached_secret_turns_out_to_be_scheduled_for_deletion()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondOk(SecretsManagerTestContext.OwnedDescribe)
            .RespondOk("{}")
            .RespondError(HttpStatusCode.BadRequest, "InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
            .RespondOk(SecretsManagerTestContext.DeletedOwnedDescribe)
            .RespondOk("{}")
            .RespondOk("{}");
        SecretsManagerTarget target = context.CreateTarget();
        await target.WriteAsync(SecretsManagerTestContext.Write());

        TargetWriteResult result = await target.WriteAsync(SecretsManagerTestContext.Write(version: OtherVersion));

        Assert.True(result.RestoredSecret);
        Assert.Equal(["DescribeSecret", "PutSecretValue", "PutSecretValue", "DescribeSecret", "RestoreSecret", "PutSecretValue"], context.Handler.Operations);
    }

    [Fact]
    public async Task Creates_again_when_a_cached_secret_was_deleted()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondOk(SecretsManagerTestContext.OwnedDescribe)
            .RespondOk("{}")
            .RespondError(HttpStatusCode.NotFound, "ResourceNotFoundException")
            .RespondError(HttpStatusCode.NotFound, "ResourceNotFoundException")
            .RespondOk("{}");
        SecretsManagerTarget target = context.CreateTarget();
        await target.WriteAsync(SecretsManagerTestContext.Write());

        TargetWriteResult result = await target.WriteAsync(SecretsManagerTestContext.Write(version: OtherVersion));

        Assert.True(result.CreatedSecret);
        Assert.Equal(["DescribeSecret", "PutSecretValue", "PutSecretValue", "DescribeSecret", "CreateSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task Lets_other_invalid_requests_through_on_a_cache_hit()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondOk(SecretsManagerTestContext.OwnedDescribe)
            .RespondOk("{}")
            .RespondError(HttpStatusCode.BadRequest, "InvalidRequestException", "The parameter is not valid.");
        SecretsManagerTarget target = context.CreateTarget();
        await target.WriteAsync(SecretsManagerTestContext.Write());

        var exception = await Assert.ThrowsAsync<SecretsManagerException>(() => target.WriteAsync(SecretsManagerTestContext.Write(version: OtherVersion)));

        Assert.Equal("InvalidRequestException", exception.ErrorType);
        Assert.Equal(3, context.Handler.Requests.Count);
    }

    [Fact]
    public async Task Promote_moves_AWSCURRENT_from_the_expected_version()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk("""{"Name":"kv-app-db"}""");

        bool promoted = await context.CreateTarget().PromoteAsync("kv-app-db", OtherVersion, Version);

        Assert.True(promoted);
        JsonElement body = context.Handler.Requests[0].Json;
        Assert.Equal("UpdateSecretVersionStage", context.Handler.Requests[0].Operation);
        Assert.Equal("AWSCURRENT", body.GetProperty("VersionStage").GetString());
        Assert.Equal(OtherVersion, body.GetProperty("MoveToVersionId").GetString());
        Assert.Equal(Version, body.GetProperty("RemoveFromVersionId").GetString());
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "InvalidParameterException")]
    [InlineData(HttpStatusCode.NotFound, "ResourceNotFoundException")]
    public async Task Promote_changes_nothing_when_the_version_or_the_current_one_is_not_as_expected(HttpStatusCode status, string type)
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondError(status, type);

        Assert.False(await context.CreateTarget().PromoteAsync("kv-app-db", OtherVersion, Version));
    }

    [Fact]
    public async Task Promote_surfaces_transient_failures()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondError(HttpStatusCode.BadRequest, "ThrottlingException");

        var exception = await Assert.ThrowsAsync<SecretsManagerException>(() => context.CreateTarget().PromoteAsync("kv-app-db", OtherVersion, Version));

        Assert.True(exception.IsTransient);
    }
}
