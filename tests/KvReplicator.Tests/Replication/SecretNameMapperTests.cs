using KvReplicator.DependencyInjection;
using KvReplicator.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.Replication;

/// <summary>The name template: its placeholders, its rules checked at start, and the collisions it can allow.</summary>
public sealed class SecretNameMapperTests
{
    [Theory]
    [InlineData("{prefix}{name}", "kv/", "kv/app-db")]
    [InlineData("{prefix}{vault}/{name}", "kv/", "kv/prod-vault/app-db")]
    [InlineData("{vault}/{name}@{prefix}", "x", "prod-vault/app-db@x")]
    [InlineData("teams/payments/{name}", "ignored", "teams/payments/app-db")]
    public void Placeholders_are_filled_with_the_prefix_the_lower_case_vault_and_the_name(string template, string prefix, string expected)
    {
        var mapper = new SecretNameMapper(template, prefix, "Prod-Vault");

        Assert.Equal(expected, mapper.TryMap("app-db", out string? rejection));
        Assert.Null(rejection);
        Assert.Equal("app-db", mapper.TryUnmap(expected));
    }

    [Fact]
    public void The_listing_prefix_is_the_text_before_the_name_and_unmapping_needs_the_tail_too()
    {
        var mapper = new SecretNameMapper("{prefix}{vault}/{name}/v1", "kv/", "vault1");

        Assert.Equal("kv/vault1/", mapper.Prefix);
        Assert.Null(mapper.TryUnmap("kv/vault1/app-db"));
        Assert.Null(mapper.TryUnmap("kv/vault2/app-db/v1"));
        Assert.Equal("app-db", mapper.TryUnmap("kv/vault1/app-db/v1"));
    }

    [Fact]
    public void The_prefix_only_constructor_is_the_default_template()
    {
        Assert.Equal("kv/app", new SecretNameMapper("kv/").TryMap("app", out _));
        Assert.Equal(SecretNameMapper.DefaultTemplate, new ReplicationOptions().TargetNameTemplate);
    }

    [Theory]
    [InlineData("{prefix}", "{name} exactly once")]
    [InlineData("{name}-{name}", "{name} exactly once")]
    [InlineData("{vault}{vault}{name}", "each placeholder once")]
    [InlineData("{prefix}{secret}", "contains '{secret}'")]
    [InlineData("{prefix}{Name}", "contains '{Name}'")]
    [InlineData("kv {name}", "may only contain letters")]
    [InlineData("kv/{name", "may only contain letters")]
    [InlineData("", "is empty")]
    public void A_template_that_breaks_the_rules_is_refused_with_a_sentence_saying_why(string template, string expected)
    {
        string? error = SecretNameMapper.TemplateError(template, "kv/");

        Assert.NotNull(error);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new SecretNameMapper(template, "kv/", "vault1"));
    }

    [Fact]
    public void A_template_must_leave_room_for_the_longest_vault_name_and_one_character()
    {
        Assert.Null(SecretNameMapper.TemplateError(new string('a', 511 - 24) + "{vault}{name}", ""));
        Assert.Contains("no room", SecretNameMapper.TemplateError(new string('a', 512 - 24) + "{vault}{name}", ""), StringComparison.Ordinal);
        Assert.Contains("no room", SecretNameMapper.TemplateError("{prefix}{name}", new string('p', 512)), StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_using_the_vault_needs_the_vault_name()
    {
        Assert.Throws<ArgumentException>(() => new SecretNameMapper("{vault}/{name}", "", vaultName: null));
        Assert.Equal("x", new SecretNameMapper("{name}", "", vaultName: null).TryMap("x", out _));
    }

    [Fact]
    public void A_name_too_long_for_Secrets_Manager_is_rejected_with_a_reason()
    {
        var mapper = new SecretNameMapper("{prefix}{vault}/{name}", new string('p', 400), "vault1");

        Assert.Null(mapper.TryMap(new string('n', 127), out string? rejection));
        Assert.Contains("Secrets Manager allows 512", rejection, StringComparison.Ordinal);
        Assert.Equal(new string('p', 400) + "vault1/" + new string('n', 127), mapper.Render(new string('n', 127)));
    }

    [Theory]
    [InlineData("{prefix}{name}", "vault-a", "{prefix}{name}", "vault-b", true)] // no vault in the name: a-x of both vaults land on one name
    [InlineData("{prefix}{vault}{name}", "ab", "{prefix}{vault}{name}", "abc", true)] // ab + "cx" = abc + "x"
    [InlineData("{prefix}{vault}/{name}", "ab", "{prefix}{vault}/{name}", "abc", false)]
    [InlineData("{prefix}{vault}-{name}", "ab", "{prefix}{vault}-{name}", "ab-c", true)] // ab-c-x from both: the hyphen is a name character
    [InlineData("{name}.{vault}", "ab", "{name}.{vault}", "b", false)]
    [InlineData("{name}{vault}", "ab", "{name}{vault}", "b", true)] // "xa"+"b" = "x"+"ab"
    [InlineData("{prefix}{vault}/{name}", "Vault1", "{prefix}{vault}/{name}", "vault1", true)] // the same vault spelt twice
    [InlineData("a/{name}", "v1", "b/{name}", "v2", false)]
    [InlineData("a/{name}", "v1", "a/x{name}", "v2", true)]
    [InlineData("a/{name}/1", "v1", "a/{name}/2", "v2", false)]
    public void Two_vaults_feeding_one_target_may_collide_unless_their_templates_keep_them_apart(
        string firstTemplate, string firstVault, string secondTemplate, string secondVault, bool collide)
    {
        var first = new SecretNameMapper(firstTemplate, "kv/", firstVault);
        var second = new SecretNameMapper(secondTemplate, "kv/", secondVault);

        Assert.Equal(collide, first.MayCollideWith(second));
        Assert.Equal(collide, second.MayCollideWith(first));
    }

    [Fact]
    public void A_collision_found_is_real()
    {
        // The check says "may"; this pins one witness so the rule is not merely cautious.
        var first = new SecretNameMapper("{vault}{name}", "", "ab");
        var second = new SecretNameMapper("{vault}{name}", "", "abc");

        Assert.Equal(first.TryMap("cx", out _), second.TryMap("x", out _));
    }

    [Fact]
    public void Several_vaults_on_one_target_are_refused_with_the_pair_named_only_when_they_can_collide()
    {
        SecretNameMapper[] apart = [new("{prefix}{vault}/{name}", "kv/", "vault-a"), new("{prefix}{vault}/{name}", "kv/", "vault-b"), new("{prefix}{vault}/{name}", "kv/", "VAULT-A")];
        // kv/vault-a/x cannot come from {prefix}{name} ("vault-a/x" is no Key Vault name), but kv/x can come from both.
        SecretNameMapper[] together = [new("{prefix}{vault}/{name}", "kv/", "vault-a"), new("{prefix}{name}", "kv/", "vault-b"), new("{prefix}{name}", "kv/", "vault-c")];

        Assert.Null(SecretNameMapper.CollisionError(apart));
        string? error = SecretNameMapper.CollisionError(together);
        Assert.NotNull(error);
        Assert.Contains("Vaults 'vault-b' ({prefix}{name}) and 'vault-c' ({prefix}{name})", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_template_fails_the_start_with_the_setting_named()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["KvReplicator:Replication:TargetNameTemplate"] = "{prefix}{vault}" })
            .Build();
        using ServiceProvider services = new ServiceCollection().AddKvReplicator(configuration).BuildServiceProvider();

        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<ReplicationOptions>>().Value);

        Assert.Contains(error.Failures, failure => failure.Contains("KvReplicator:Replication:TargetNameTemplate: The name template must contain {name} exactly once", StringComparison.Ordinal));
    }

    [Fact]
    public void A_template_is_bound_from_configuration()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["KvReplicator:Replication:TargetNameTemplate"] = "{prefix}{vault}/{name}",
                ["KvReplicator:Replication:TargetPrefix"] = "kv/",
            })
            .Build();
        using ServiceProvider services = new ServiceCollection().AddKvReplicator(configuration).BuildServiceProvider();

        ReplicationOptions options = services.GetRequiredService<IOptions<ReplicationOptions>>().Value;

        Assert.Equal("kv/vault1/app", options.NameMapperFor("vault1").TryMap("app", out _));
    }
}
