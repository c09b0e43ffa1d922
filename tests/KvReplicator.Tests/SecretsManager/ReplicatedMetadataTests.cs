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

    [Fact]
    public void Keys_up_to_128_and_values_up_to_256_characters_are_kept_and_longer_ones_dropped()
    {
        var source = new Dictionary<string, string>
        {
            [new string('k', 128)] = "x", [new string('l', 129)] = "x", ["v256"] = new string('v', 256), ["v257"] = new string('v', 257),
        };

        ReplicatedMetadata metadata = ReplicatedMetadata.For("vault1", "app-db", source, contentType: null);

        Assert.True(metadata.Tags.ContainsKey(new string('k', 128)));
        Assert.Equal(new string('v', 256), metadata.Tags["v256"]);
        Assert.Equal([new string('l', 129), "v257"], metadata.DroppedTagKeys);
    }

    [Fact]
    public void Our_own_tags_are_reserved_and_a_source_tag_cannot_take_their_place()
    {
        var source = new Dictionary<string, string>
        {
            [ReplicationTags.ManagedBy] = "terraform", [ReplicationTags.SourceName] = "other", [ReplicationTags.SourceVersion] = "x",
            [ReplicatedMetadata.SourceTagKeysTag] = "x", ["KVREPLICATOR:source-vault"] = "elsewhere",
        };

        ReplicatedMetadata metadata = ReplicatedMetadata.For("vault1", "app-db", source, contentType: null);

        Assert.Equal(source.Keys.Order(StringComparer.Ordinal), metadata.DroppedTagKeys);
        Assert.Equal(("kvreplicator", "app-db", ""), (metadata.Tags[ReplicationTags.ManagedBy], metadata.Tags[ReplicationTags.SourceName], metadata.Tags[ReplicatedMetadata.SourceTagKeysTag]));
        Assert.False(metadata.Tags.ContainsKey(ReplicationTags.SourceVersion));
    }

    [Fact]
    public void At_most_50_tags_go_to_AWS_ours_first_then_source_tags_in_key_order()
    {
        // Key Vault allows 15 tags a secret today; the limit is AWS's, and held whatever the source sends.
        Dictionary<string, string> source = Enumerable.Range(0, 60).ToDictionary(i => $"t{i:D2}", i => "v");

        ReplicatedMetadata metadata = ReplicatedMetadata.For("vault1", "app-db", source, contentType: null);

        Assert.Equal(50, metadata.Tags.Count + 1); // + the source-version tag a created secret also carries
        Assert.Equal(ReplicatedMetadata.MaxSourceTags, metadata.Tags.Keys.Count(key => key.StartsWith('t')));
        Assert.True(metadata.Tags.ContainsKey("t44"));
        Assert.Equal(Enumerable.Range(45, 15).Select(i => $"t{i:D2}"), metadata.DroppedTagKeys);
    }

    [Fact]
    public void A_filter_keeps_only_allowed_keys_and_a_deny_wins()
    {
        var source = new Dictionary<string, string> { ["team"] = "payments", ["Team-Lead"] = "ana", ["team-internal"] = "x", ["env"] = "prod" };
        var filter = new SourceTagFilter(include: ["team*"], exclude: ["*-INTERNAL"]);

        ReplicatedMetadata metadata = ReplicatedMetadata.For("vault1", "app-db", source, contentType: null, filter);

        Assert.Equal("Team-Lead/team", metadata.Tags[ReplicatedMetadata.SourceTagKeysTag]);
        Assert.Equal(["env", "team-internal"], metadata.DroppedTagKeys);
    }

    [Fact]
    public void Tags_filtered_out_later_are_removed_from_the_target_by_the_next_update()
    {
        ReplicatedMetadata before = ReplicatedMetadata.For("vault1", "app-db", new Dictionary<string, string> { ["team"] = "payments", ["env"] = "prod" }, null);
        var current = new Dictionary<string, string>(before.Tags);

        ReplicatedMetadata after = ReplicatedMetadata.For("vault1", "app-db", new Dictionary<string, string> { ["team"] = "payments", ["env"] = "prod" }, null, new SourceTagFilter([], ["env"]));
        TargetMetadataUpdate update = after.UpdateFrom("kv/app-db", current, before.Description);

        Assert.Equal(["env"], update.RemoveTagKeys);
    }

    [Fact]
    public void A_targets_own_tags_come_after_ours_win_over_a_source_tag_of_the_same_key_and_take_room_from_the_source_tags()
    {
        var target = new Dictionary<string, string> { ["cost-center"] = "cc-42", ["env"] = "prod" };
        var source = Enumerable.Range(0, 60).ToDictionary(i => $"tag-{i:D2}", i => "v");
        source["env"] = "dev";

        ReplicatedMetadata metadata = ReplicatedMetadata.For("vault1", "app-db", source, contentType: null, targetTags: target);

        Assert.Equal(("cc-42", "prod"), (metadata.Tags["cost-center"], metadata.Tags["env"]));
        Assert.Equal(ReplicatedMetadata.MaxSourceTags, metadata.Tags.Count(tag => tag.Key != "managed-by" && !tag.Key.StartsWith("kvreplicator:", StringComparison.Ordinal)));
        Assert.Contains("env", metadata.DroppedTagKeys);
        Assert.DoesNotContain("env", metadata.Tags[ReplicatedMetadata.SourceTagKeysTag].Split('/'));
    }

    [Theory]
    [InlineData("managed-by", "someone")]
    [InlineData("kvreplicator:source-vault", "other")]
    [InlineData("aws:cost", "1")]
    [InlineData("bad key!", "1")]
    public void A_reserved_or_malformed_target_tag_is_refused_at_start(string key, string value)
    {
        string? error = ReplicatedMetadata.TargetTagError(new Dictionary<string, string> { [key] = value });

        Assert.NotNull(error);
        Assert.Contains(key, error, StringComparison.Ordinal);
        Assert.Null(ReplicatedMetadata.TargetTagError(new Dictionary<string, string> { ["cost-center"] = "cc-42" }));
    }
}
