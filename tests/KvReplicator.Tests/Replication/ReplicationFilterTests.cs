using KvReplicator.Replication;

namespace KvReplicator.Tests.Replication;

public sealed class ReplicationFilterTests
{
    private static readonly Dictionary<string, string> s_noTags = [];

    [Theory]
    [InlineData("app-db", null)]
    [InlineData("APP-cache", null)]
    [InlineData("billing-db", "secret name matches no include pattern")]
    [InlineData("app-tmp-1", "secret name matches an exclude pattern")]
    [InlineData("kvrep-roles-anywhere-private-key", "secret is excluded from replication")]
    public void Include_and_exclude_globs_match_whole_names_case_insensitively_and_exclude_wins(string name, string? expected)
    {
        var filter = new ReplicationFilter(new ReplicationOptions { IncludeNamePatterns = ["app-*", "kvrep-*"], ExcludeNamePatterns = ["*-tmp-?"] });

        Assert.Equal(expected, filter.Exclude(name, s_noTags));
    }

    [Fact]
    public void Without_patterns_every_name_is_in_except_the_replicators_own_credentials()
    {
        var filter = new ReplicationFilter(new ReplicationOptions());

        Assert.Null(filter.ExcludeByName("anything.at-all"));
        Assert.NotNull(filter.ExcludeByName("KVREP-ROLES-ANYWHERE-CERTIFICATE"));
        Assert.False(filter.RequiresTag);
    }

    [Fact]
    public void Glob_metacharacters_other_than_star_and_question_mark_are_literal()
    {
        var filter = new ReplicationFilter(new ReplicationOptions { IncludeNamePatterns = ["a.b"] });

        Assert.Null(filter.ExcludeByName("a.b"));
        Assert.NotNull(filter.ExcludeByName("axb"));
    }

    [Theory]
    [InlineData("true", null)]
    [InlineData("TRUE", null)]
    [InlineData("false", "secret's opt-in tag 'replicate-to-aws' is not 'true'")]
    public void The_opt_in_tag_must_carry_the_configured_value(string value, string? expected)
    {
        var filter = new ReplicationFilter(new ReplicationOptions { RequiredTagName = "replicate-to-aws", RequiredTagValue = "true" });

        Assert.Equal(expected, filter.Exclude("app", new Dictionary<string, string> { ["Replicate-To-AWS"] = value }));
        Assert.Equal("secret lacks the opt-in tag 'replicate-to-aws'", filter.Exclude("app", s_noTags));
        Assert.Null(filter.ExcludeByName("app"));
    }

    [Fact]
    public void An_opt_in_tag_without_a_value_accepts_any_value()
    {
        var filter = new ReplicationFilter(new ReplicationOptions { RequiredTagName = "replicate" });

        Assert.Null(filter.Exclude("app", new Dictionary<string, string> { ["replicate"] = "" }));
    }

    [Fact]
    public void Blank_patterns_from_empty_settings_are_ignored()
    {
        var filter = new ReplicationFilter(new ReplicationOptions { IncludeNamePatterns = [""], ExcludeNamePatterns = [" "] });

        Assert.Null(filter.ExcludeByName("db-password"));
    }
}
