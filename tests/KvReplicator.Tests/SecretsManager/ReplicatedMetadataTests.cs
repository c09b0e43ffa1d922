using KvReplicator.Replication;
using KvReplicator.SecretsManager;

namespace KvReplicator.Tests.SecretsManager;

public sealed class ReplicatedMetadataTests
{
    [Fact]
    public void Maps_source_tags_our_tags_and_a_description_with_the_content_type()
    {
        ReplicatedMetadata metadata = ReplicatedMetadata.For("vault1", "app-db", new Dictionary<string, string> { ["team"] = "payments", ["env"] = "prod" }, "text/plain");

        Assert.Equal("Replicated by KvReplicator from Azure Key Vault vault1/app-db. Content type: text/plain.", metadata.Description);
        Assert.Equal("payments", metadata.Tags["team"]);
        Assert.Equal("kvreplicator", metadata.Tags[ReplicationTags.ManagedBy]);
        Assert.Equal("vault1", metadata.Tags[ReplicationTags.SourceVault]);
        Assert.Equal("app-db", metadata.Tags[ReplicationTags.SourceName]);
        Assert.Equal("env/team", metadata.Tags[ReplicatedMetadata.SourceTagKeysTag]);
        Assert.False(metadata.Tags.ContainsKey(ReplicationTags.SourceVersion));
    }

    [Fact]
    public void Leaves_out_tags_aws_would_refuse_or_that_would_decide_ownership()
    {
        var source = new Dictionary<string, string>
        {
            ["aws:createdBy"] = "x", [new string('k', 129)] = "x", ["long"] = new string('v', 257), ["semi;colon"] = "x",
            ["managed-by"] = "terraform", ["kvreplicator:source-vault"] = "elsewhere", ["ok"] = "fine",
        };

        ReplicatedMetadata metadata = ReplicatedMetadata.For("vault1", "app-db", source, contentType: null);

        Assert.Equal("ok", Assert.Single(metadata.Tags.Keys, key => !key.StartsWith("kvreplicator:", StringComparison.Ordinal) && key != "managed-by"));
        Assert.Equal("kvreplicator", metadata.Tags["managed-by"]);
        Assert.Equal("vault1", metadata.Tags[ReplicationTags.SourceVault]);
        Assert.Equal("Replicated by KvReplicator from Azure Key Vault vault1/app-db.", metadata.Description);
    }

    [Fact]
    public void An_update_changes_what_differs_removes_only_tags_it_applied_and_is_empty_when_in_line()
    {
        ReplicatedMetadata before = ReplicatedMetadata.For("vault1", "app-db", new Dictionary<string, string> { ["team"] = "payments", ["env"] = "prod" }, null);
        var current = new Dictionary<string, string>(before.Tags) { [ReplicationTags.SourceVersion] = "0123", ["cost-center"] = "42" };
        Assert.True(before.UpdateFrom("kv/app-db", current, before.Description).IsEmpty);

        ReplicatedMetadata after = ReplicatedMetadata.For("vault1", "app-db", new Dictionary<string, string> { ["team"] = "billing" }, "text/plain");
        TargetMetadataUpdate update = after.UpdateFrom("kv/app-db", current, before.Description);

        Assert.Equal(new Dictionary<string, string> { ["team"] = "billing", [ReplicatedMetadata.SourceTagKeysTag] = "team" }, update.SetTags);
        Assert.Equal(["env"], update.RemoveTagKeys);
        Assert.Equal(after.Description, update.Description);
    }
}
