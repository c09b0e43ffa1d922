using System.Net;
using System.Text.Json;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;

namespace KvReplicator.Tests.SecretsManager;

/// <summary>The target operations sync adds to the write path: listing, metadata, restore, delete.</summary>
public sealed class SecretsManagerTargetSyncOperationsTests
{
    private const string Version = "0123456789abcdef0123456789abcdef";

    [Fact]
    public async Task Create_carries_the_key_vault_tags_and_the_content_type_in_the_description()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk("{}");
        TargetSecretWrite write = SecretsManagerTestContext.Write();
        write = write with
        {
            Source = write.Source with
            {
                ContentType = "application/json",
                Tags = new Dictionary<string, string> { ["team"] = "payments", ["aws:reserved"] = "x", ["managed-by"] = "someone-else", ["bad<key>"] = "y" },
            },
        };

        await context.CreateTarget().WriteAsync(write);

        Assert.Equal(["CreateSecret"], context.Handler.Operations);
        JsonElement create = context.Handler.Requests[0].Json;
        Dictionary<string, string> tags = create.GetProperty("Tags").EnumerateArray()
            .ToDictionary(tag => tag.GetProperty("Key").GetString()!, tag => tag.GetProperty("Value").GetString()!);
        Assert.Equal("payments", tags["team"]);
        Assert.Equal("kvreplicator", tags[ReplicationTags.ManagedBy]);
        Assert.Equal("team", tags[ReplicatedMetadata.SourceTagKeysTag]);
        Assert.DoesNotContain("aws:reserved", tags.Keys);
        Assert.DoesNotContain("bad<key>", tags.Keys);
        Assert.Equal("Replicated by KvReplicator from Azure Key Vault vault1/app-db. Content type: application/json.", create.GetProperty("Description").GetString());
    }

    [Fact]
    public async Task Listing_reads_both_listings_once_each_and_maps_stages_ownership_and_deletion()
    {
        var context = new SecretsManagerTestContext();
        context.Handler
            .RespondOk($$$"""
                {"SecretList":[
                  {"Name":"kv/app-db","DeletedDate":1767225600,"Tags":[{"Key":"managed-by","Value":"kvreplicator"},{"Key":"kvreplicator:source-vault","Value":"vault1"},{"Key":"kvreplicator:source-name","Value":"app-db"}],
                   "SecretVersionsToStages":{"{{{Version}}}":["AWSCURRENT"],"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":["AWSPREVIOUS"]}},
                  {"Name":"KV/other-case","Tags":[]}],
                 "NextToken":"page2"}
                """)
            .RespondOk("""{"SecretList":[{"Name":"kv/foreign","Tags":[{"Key":"team","Value":"x"}]}],"NextToken":""}""")
            .RespondOk("""{"SecretList":[{"Name":"kv/app-db","Tags":[{"Key":"managed-by","Value":"kvreplicator"}]},{"Name":"elsewhere/x","Tags":[{"Key":"managed-by","Value":"kvreplicator"}]}]}""");

        var listed = new List<TargetSecretSummary>();
        await foreach (TargetSecretSummary summary in context.CreateTarget().ListSecretsAsync("kv/"))
        {
            listed.Add(summary);
        }

        Assert.Equal(["kv/app-db", "kv/foreign", "elsewhere/x"], listed.Select(summary => summary.Name));
        TargetSecretSummary ours = listed[0];
        Assert.True(ours.IsOwned && ours.ScheduledForDeletion);
        Assert.Equal((Version, "app-db"), (ours.CurrentVersionId, ours.SourceName));
        Assert.Equal(2, ours.VersionIds.Count);
        Assert.False(listed[1].IsOwned);
        Assert.Equal(["ListSecrets", "ListSecrets", "ListSecrets"], context.Handler.Operations);
        JsonElement second = context.Handler.Requests[1].Json;
        Assert.Equal("page2", second.GetProperty("NextToken").GetString());
        Assert.True(second.GetProperty("IncludePlannedDeletion").GetBoolean());
        Assert.Equal("tag-key", context.Handler.Requests[2].Json.GetProperty("Filters")[0].GetProperty("Key").GetString());
    }

    [Fact]
    public async Task A_metadata_update_sends_only_the_calls_it_needs_and_only_to_our_secret()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk(TaggedOwnedDescribe).RespondOk("{}").RespondOk("{}");

        await context.CreateTarget().UpdateMetadataAsync(new TargetMetadataUpdate
        {
            TargetName = "kv-app-db", SetTags = new Dictionary<string, string> { ["team"] = "billing" }, RemoveTagKeys = ["env"],
        });

        Assert.Equal(["DescribeSecret", "UntagResource", "TagResource"], context.Handler.Operations);
        Assert.Equal("env", context.Handler.Requests[1].Json.GetProperty("TagKeys")[0].GetString());
    }

    [Fact]
    public async Task A_metadata_update_leaves_out_what_the_secret_already_carries_when_described()
    {
        // Planned from a listing taken before an adoption that has since tagged the secret.
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk(TaggedOwnedDescribe).RespondOk("{}");

        await context.CreateTarget().UpdateMetadataAsync(new TargetMetadataUpdate
        {
            TargetName = "kv-app-db",
            SetTags = new Dictionary<string, string> { ["team"] = "payments", ["managed-by"] = "kvreplicator" },
            RemoveTagKeys = ["gone-already"],
            Description = "Replicated by KvReplicator from Azure Key Vault vault1/app-db. Content type: text/plain.",
        });

        Assert.Equal(["DescribeSecret", "UpdateSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task Delete_and_restore_refuse_a_secret_without_the_ownership_tag()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk(SecretsManagerTestContext.ForeignDescribe).RespondOk(SecretsManagerTestContext.ForeignDescribe);
        SecretsManagerTarget target = context.CreateTarget();

        SecretStoreException delete = await Assert.ThrowsAsync<SecretStoreException>(() => target.DeleteAsync("kv-app-db", new TargetDeletion(7, Force: false)));
        SecretStoreException restore = await Assert.ThrowsAsync<SecretStoreException>(() => target.RestoreAsync("kv-app-db"));

        Assert.Equal(TargetErrorCodes.ForeignSecret, delete.ErrorCode);
        Assert.Equal(TargetErrorCodes.ForeignSecret, restore.ErrorCode);
        Assert.Equal(["DescribeSecret", "DescribeSecret"], context.Handler.Operations);
    }

    [Theory]
    [InlineData(false, 7)]
    [InlineData(true, 30)]
    public async Task Delete_uses_the_recovery_window_or_forces(bool force, int window)
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk(SecretsManagerTestContext.OwnedDescribe).RespondOk("{}");

        await context.CreateTarget().DeleteAsync("kv-app-db", new TargetDeletion(window, force));

        JsonElement delete = context.Handler.Requests[1].Json;
        Assert.Equal("DeleteSecret", context.Handler.Requests[1].Operation);
        Assert.Equal(force, delete.TryGetProperty("ForceDeleteWithoutRecovery", out JsonElement forced) && forced.GetBoolean());
        Assert.Equal(!force, delete.TryGetProperty("RecoveryWindowInDays", out JsonElement days) && days.GetInt32() == window);
    }

    [Fact]
    public async Task Restore_restores_only_a_secret_scheduled_for_deletion()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk(SecretsManagerTestContext.DeletedOwnedDescribe).RespondOk("{}").RespondOk(SecretsManagerTestContext.OwnedDescribe);
        SecretsManagerTarget target = context.CreateTarget();

        await target.RestoreAsync("kv-app-db");
        await target.RestoreAsync("kv-app-db");

        Assert.Equal(["DescribeSecret", "RestoreSecret", "DescribeSecret"], context.Handler.Operations);
    }

    private const string TaggedOwnedDescribe = """
        {"Name":"kv-app-db","Description":"Replicated by KvReplicator from Azure Key Vault vault1/app-db.",
         "Tags":[{"Key":"managed-by","Value":"kvreplicator"},{"Key":"kvreplicator:source-vault","Value":"vault1"},{"Key":"kvreplicator:source-name","Value":"app-db"},{"Key":"team","Value":"payments"},{"Key":"env","Value":"prod"}]}
        """;
}
