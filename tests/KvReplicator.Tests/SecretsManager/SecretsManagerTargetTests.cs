using System.Net;
using System.Text.Json;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;

namespace KvReplicator.Tests.SecretsManager;

/// <summary>The write path of <see cref="SecretsManagerTarget"/>, asserted on the calls that go on the wire.</summary>
public sealed class SecretsManagerTargetTests
{
    private const string Version = "0123456789abcdef0123456789abcdef";
    private const string OtherVersion = "fedcba9876543210fedcba9876543210";

    [Fact]
    public async Task A_new_secrets_current_version_costs_CreateSecret_alone_with_the_value_tags_and_version_token()
    {
        var context = new SecretsManagerTestContext(options => { options.KmsKeyId = "alias/kvrep"; options.ReplicaRegions = ["eu-west-1"]; });
        context.Handler.RespondOk($$"""{"Name":"kv-app-db","VersionId":"{{Version}}"}""");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write());

        Assert.Equal(new TargetWriteResult(CreatedSecret: true, RestoredSecret: false, OwnershipVerified: true), result);
        Assert.Equal(["CreateSecret"], context.Handler.Operations);
        JsonElement create = context.Handler.Requests[0].Json;
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
    public async Task A_target_known_to_be_ours_costs_PutSecretValue_alone_and_a_current_version_takes_no_stages()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk($$"""{"VersionId":"{{Version}}","VersionStages":["AWSCURRENT"]}""");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(knownOwned: true));

        Assert.Equal(new TargetWriteResult(CreatedSecret: false, RestoredSecret: false, OwnershipVerified: false), result);
        Assert.Equal(["PutSecretValue"], context.Handler.Operations);
        JsonElement put = context.Handler.Requests[0].Json;
        Assert.Equal(Version, put.GetProperty("ClientRequestToken").GetString());
        Assert.False(put.TryGetProperty("VersionStages", out _)); // AWS moves AWSCURRENT to it and AWSPREVIOUS to the version before
    }

    [Theory]
    [InlineData(TargetVersionStage.Previous, "AWSPREVIOUS")]
    [InlineData(TargetVersionStage.Superseded, "old-one")]
    public async Task An_older_version_is_written_with_its_stage_and_never_with_AWSCURRENT(TargetVersionStage stage, string label)
    {
        var context = new SecretsManagerTestContext(options => options.SupersededVersionStage = "old-one");
        context.Handler.RespondOk($$"""{"VersionId":"{{Version}}","VersionStages":["{{label}}"]}""");

        await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(stage: stage, knownOwned: true));

        Assert.Equal(["PutSecretValue"], context.Handler.Operations);
        Assert.Equal([label], context.Handler.Requests[0].Json.GetProperty("VersionStages").EnumerateArray().Select(s => s.GetString()));
    }

    [Theory]
    [InlineData(TargetVersionStage.Current, "AWSCURRENT")]
    [InlineData(TargetVersionStage.Previous, "AWSPREVIOUS")]
    public async Task A_repeated_write_whose_version_lacks_its_stage_moves_the_stage_from_where_it_is(TargetVersionStage stage, string label)
    {
        // A repeated write (same token, same value) changes nothing in AWS, stages included.
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondOk($$"""{"VersionId":"{{Version}}","VersionStages":["kvrep-superseded"]}""")
            .RespondOk($$$"""{"Name":"kv-app-db","VersionIdsToStages":{"{{{OtherVersion}}}":["{{{label}}}"],"{{{Version}}}":["kvrep-superseded"]}}""")
            .RespondOk("{}");

        await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(stage: stage, knownOwned: true));

        Assert.Equal(["PutSecretValue", "DescribeSecret", "UpdateSecretVersionStage"], context.Handler.Operations);
        JsonElement move = context.Handler.Requests[2].Json;
        Assert.Equal((label, Version, OtherVersion), (move.GetProperty("VersionStage").GetString(), move.GetProperty("MoveToVersionId").GetString(), move.GetProperty("RemoveFromVersionId").GetString()));
    }

    [Fact]
    public async Task A_repeated_write_whose_version_holds_its_stage_costs_nothing_more()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk($$"""{"VersionId":"{{Version}}","VersionStages":["AWSPREVIOUS"]}""");

        await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(stage: TargetVersionStage.Previous, knownOwned: true));

        Assert.Equal(["PutSecretValue"], context.Handler.Operations);
    }

    [Fact]
    public async Task A_stage_found_already_moved_to_the_version_is_left_alone()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondOk($$"""{"VersionId":"{{Version}}","VersionStages":[]}""")
            .RespondOk($$$"""{"Name":"kv-app-db","VersionIdsToStages":{"{{{Version}}}":["AWSCURRENT"]}}""");

        await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(knownOwned: true));

        Assert.Equal(["PutSecretValue", "DescribeSecret"], context.Handler.Operations);
    }

    [Theory]
    [InlineData(TargetVersionStage.Previous)]
    [InlineData(TargetVersionStage.Superseded)]
    public async Task An_older_version_for_a_target_known_ours_but_gone_writes_nothing_and_reports_it_missing(TargetVersionStage stage)
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondError(HttpStatusCode.BadRequest, "ResourceNotFoundException");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(stage: stage, knownOwned: true));

        Assert.Same(TargetWriteResult.Missing, result);
        Assert.Equal(["PutSecretValue"], context.Handler.Operations);
    }

    [Fact]
    public async Task An_older_version_for_a_missing_target_writes_nothing_and_reports_it_missing()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondError(HttpStatusCode.BadRequest, "ResourceNotFoundException");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(stage: TargetVersionStage.Previous));

        Assert.True(result.TargetMissing);
        Assert.False(result.CreatedSecret);
        Assert.Equal(["DescribeSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task An_older_version_for_a_target_without_a_current_version_reports_it_missing()
    {
        // AWS would make it AWSCURRENT whatever stage it is given, as a secret's first version.
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk("""{"Name":"kv-app-db","Tags":[{"Key":"managed-by","Value":"kvreplicator"},{"Key":"kvreplicator:source-vault","Value":"vault1"},{"Key":"kvreplicator:source-name","Value":"app-db"}],"VersionIdsToStages":{}}""");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(stage: TargetVersionStage.Superseded));

        Assert.True(result.TargetMissing);
        Assert.Equal(["DescribeSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task An_older_version_for_an_existing_target_not_yet_known_ours_is_checked_then_written()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk(SecretsManagerTestContext.OwnedDescribe).RespondOk("{}");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(stage: TargetVersionStage.Previous));

        Assert.Equal(new TargetWriteResult(CreatedSecret: false, RestoredSecret: false, OwnershipVerified: true), result);
        Assert.Equal(["DescribeSecret", "PutSecretValue"], context.Handler.Operations);
    }

    [Fact]
    public async Task A_current_version_for_an_existing_target_not_yet_known_ours_is_checked_then_written()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondError(HttpStatusCode.BadRequest, "ResourceExistsException", "The operation failed because the secret kv-app-db already exists.")
            .RespondOk(SecretsManagerTestContext.OwnedDescribe)
            .RespondOk($$"""{"VersionId":"{{Version}}"}""");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write());

        Assert.Equal(new TargetWriteResult(CreatedSecret: false, RestoredSecret: false, OwnershipVerified: true), result);
        Assert.Equal(["CreateSecret", "DescribeSecret", "PutSecretValue"], context.Handler.Operations);
        Assert.False(context.Handler.Requests[2].Json.TryGetProperty("VersionStages", out _));
    }

    [Fact]
    public async Task A_current_version_for_a_target_known_ours_but_deleted_creates_it_again()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondError(HttpStatusCode.NotFound, "ResourceNotFoundException")
            .RespondError(HttpStatusCode.NotFound, "ResourceNotFoundException")
            .RespondOk("{}");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(knownOwned: true));

        Assert.Equal(new TargetWriteResult(CreatedSecret: true, RestoredSecret: false, OwnershipVerified: true), result);
        Assert.Equal(["PutSecretValue", "DescribeSecret", "CreateSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task A_target_known_ours_but_scheduled_for_deletion_is_restored_before_writing()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondError(HttpStatusCode.BadRequest, "InvalidRequestException", "You can't perform this operation on the secret because it was marked for deletion.")
            .RespondOk(SecretsManagerTestContext.DeletedOwnedDescribe)
            .RespondOk("""{"Name":"kv-app-db"}""")
            .RespondOk("{}");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(knownOwned: true));

        Assert.Equal(new TargetWriteResult(CreatedSecret: false, RestoredSecret: true, OwnershipVerified: true), result);
        Assert.Equal(["PutSecretValue", "DescribeSecret", "RestoreSecret", "PutSecretValue"], context.Handler.Operations);
    }

    [Fact]
    public async Task A_current_version_for_a_target_not_known_ours_and_scheduled_for_deletion_is_restored_before_writing()
    {
        // AWS refuses to create a secret whose name is scheduled for deletion, with InvalidRequestException.
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondError(HttpStatusCode.BadRequest, "InvalidRequestException", "You can't create this secret because a secret with this name is already scheduled for deletion.")
            .RespondOk(SecretsManagerTestContext.DeletedOwnedDescribe)
            .RespondOk("""{"Name":"kv-app-db"}""")
            .RespondOk("{}");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write());

        Assert.Equal(new TargetWriteResult(CreatedSecret: false, RestoredSecret: true, OwnershipVerified: true), result);
        Assert.Equal(["CreateSecret", "DescribeSecret", "RestoreSecret", "PutSecretValue"], context.Handler.Operations);
    }

    [Fact]
    public async Task Sync_looks_at_the_target_first_and_only_moves_the_stage_of_a_version_AWS_holds()
    {
        // CreateSecret or PutSecretValue with a token AWS holds would succeed without touching a stage.
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondOk($$$"""{"Name":"kv-app-db","Tags":[{"Key":"managed-by","Value":"kvreplicator"},{"Key":"kvreplicator:source-vault","Value":"vault1"},{"Key":"kvreplicator:source-name","Value":"app-db"}],"VersionIdsToStages":{"{{{OtherVersion}}}":["AWSCURRENT"],"{{{Version}}}":["AWSPREVIOUS"]}}""")
            .RespondOk("{}");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write() with { VerifyTarget = true });

        Assert.Equal(new TargetWriteResult(CreatedSecret: false, RestoredSecret: false, OwnershipVerified: true), result);
        Assert.Equal(["DescribeSecret", "UpdateSecretVersionStage"], context.Handler.Operations);
        JsonElement move = context.Handler.Requests[1].Json;
        Assert.Equal(("AWSCURRENT", Version, OtherVersion), (move.GetProperty("VersionStage").GetString(), move.GetProperty("MoveToVersionId").GetString(), move.GetProperty("RemoveFromVersionId").GetString()));
    }

    [Fact]
    public async Task Sync_of_a_version_that_holds_its_stage_costs_the_description_alone()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk($$$"""{"Name":"kv-app-db","Tags":[{"Key":"managed-by","Value":"kvreplicator"},{"Key":"kvreplicator:source-vault","Value":"vault1"},{"Key":"kvreplicator:source-name","Value":"app-db"}],"VersionIdsToStages":{"{{{Version}}}":["AWSCURRENT"]}}""");

        await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write() with { VerifyTarget = true });

        Assert.Equal(["DescribeSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task Sync_writes_a_version_AWS_does_not_hold_and_creates_a_missing_target()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondOk(SecretsManagerTestContext.OwnedDescribe)
            .RespondOk("{}")
            .RespondError(HttpStatusCode.BadRequest, "ResourceNotFoundException")
            .RespondOk("{}");
        SecretsManagerTarget target = context.CreateTarget();

        await target.WriteAsync(SecretsManagerTestContext.Write() with { VerifyTarget = true });
        TargetWriteResult created = await target.WriteAsync(SecretsManagerTestContext.Write(name: "kv-new") with { VerifyTarget = true });

        Assert.True(created.CreatedSecret);
        Assert.Equal(["DescribeSecret", "PutSecretValue", "DescribeSecret", "CreateSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task Other_invalid_requests_of_a_known_target_are_not_taken_for_a_deletion()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondError(HttpStatusCode.BadRequest, "InvalidRequestException", "The parameter is not valid.");

        var exception = await Assert.ThrowsAsync<SecretsManagerException>(() => context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(knownOwned: true)));

        Assert.Equal("InvalidRequestException", exception.ErrorType);
        Assert.Equal(["PutSecretValue"], context.Handler.Operations);
    }

    [Fact]
    public async Task Refuses_a_secret_without_the_managed_by_tag()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondError(HttpStatusCode.BadRequest, "ResourceExistsException", "The operation failed because the secret kv-app-db already exists.")
            .RespondOk(SecretsManagerTestContext.ForeignDescribe);

        var exception = await Assert.ThrowsAsync<SecretStoreException>(() => context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write()));

        Assert.False(exception.IsTransient);
        Assert.Equal(TargetErrorCodes.ForeignSecret, exception.ErrorCode);
        Assert.DoesNotContain("s3cr3t", exception.Message, StringComparison.Ordinal);
        Assert.Equal(["CreateSecret", "DescribeSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task Refuses_a_secret_fed_by_another_source()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk("""{"Name":"kv-app-db","Tags":[{"Key":"managed-by","Value":"kvreplicator"},{"Key":"kvreplicator:source-vault","Value":"other-vault"}],"VersionIdsToStages":{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":["AWSCURRENT"]}}""");

        var exception = await Assert.ThrowsAsync<SecretStoreException>(() => context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(stage: TargetVersionStage.Previous)));

        Assert.False(exception.IsTransient);
        Assert.Equal(TargetErrorCodes.SourceMismatch, exception.ErrorCode);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task Adopts_a_foreign_secret_by_tagging_it_when_allowed(bool byOption, bool byWrite)
    {
        var context = new SecretsManagerTestContext(options => options.AdoptForeignSecrets = byOption);
        context.Handler
            .RespondError(HttpStatusCode.BadRequest, "ResourceExistsException", "The operation failed because the secret kv-app-db already exists.")
            .RespondOk(SecretsManagerTestContext.ForeignDescribe)
            .RespondOk()
            .RespondOk($$"""{"VersionId":"{{Version}}"}""");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write() with { AdoptForeign = byWrite });

        Assert.Equal(new TargetWriteResult(CreatedSecret: false, RestoredSecret: false, OwnershipVerified: true), result);
        Assert.Equal(["CreateSecret", "DescribeSecret", "TagResource", "PutSecretValue"], context.Handler.Operations);
        JsonElement tag = context.Handler.Requests[2].Json;
        Assert.Contains(tag.GetProperty("Tags").EnumerateArray(), t => t.GetProperty("Key").GetString() == "managed-by" && t.GetProperty("Value").GetString() == "kvreplicator");
    }

    [Fact]
    public async Task Reports_a_version_id_reused_with_another_value_as_a_permanent_conflict()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondError(HttpStatusCode.BadRequest, "ResourceExistsException", "You can't modify an existing version, you can only create a new version.");

        var exception = await Assert.ThrowsAsync<SecretStoreException>(() => context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(knownOwned: true)));

        Assert.False(exception.IsTransient);
        Assert.Equal(TargetErrorCodes.VersionConflict, exception.ErrorCode);
    }

    [Fact]
    public async Task Describe_maps_stages_and_ownership_and_a_missing_target_is_null()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondOk($$$"""{"Name":"kv-app-db","Tags":[{"Key":"managed-by","Value":"kvreplicator"},{"Key":"kvreplicator:source-vault","Value":"vault1"},{"Key":"kvreplicator:source-name","Value":"app-db"}],"VersionIdsToStages":{"{{{Version}}}":["AWSCURRENT"],"{{{OtherVersion}}}":["AWSPREVIOUS"]}}""")
            .RespondError(HttpStatusCode.BadRequest, "ResourceNotFoundException");
        SecretsManagerTarget target = context.CreateTarget();

        TargetSecretSummary? described = await target.DescribeAsync("kv-app-db");
        TargetSecretSummary? missing = await target.DescribeAsync("kv-gone");

        Assert.Equal((true, Version, OtherVersion), (described!.IsOwned, described.CurrentVersionId, described.PreviousVersionId));
        Assert.Equal([Version, OtherVersion], described.VersionIds.Order());
        Assert.Null(missing);
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
