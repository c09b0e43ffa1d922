using System.Net;
using System.Text;
using System.Text.Json;
using KvReplicator.SecretsManager;

namespace KvReplicator.Tests.SecretsManager;

/// <summary>
/// What one target's settings do on the wire: binary values by content type, the takeover policy, the resource
/// policy and the KMS key of each replica region.
/// </summary>
public sealed class SecretsManagerTargetTakeoverAndBinaryTests
{
    private const string Version = "0123456789abcdef0123456789abcdef";
    private const string Exists = "ResourceExistsException";

    /// <summary>A value that is valid base64 (Key Vault holds binary values that way), wrapped and unpadded as a file upload may leave it.</summary>
    private static readonly string s_binarySource = Convert.ToBase64String(Encoding.UTF8.GetBytes("\u0001\u0002binary-secret\u00ff"));

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("Application/Octet-Stream; charset=binary")]
    public async Task A_value_whose_content_type_is_binary_is_created_as_SecretBinary(string contentType)
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk($$"""{"Name":"kv-app-db","VersionId":"{{Version}}"}""");

        await context.CreateTarget().WriteAsync(Write(s_binarySource, contentType));

        JsonElement create = context.Handler.Requests[0].Json;
        Assert.False(create.TryGetProperty("SecretString", out _));
        Assert.Equal(s_binarySource, create.GetProperty("SecretBinary").GetString());
    }

    [Fact]
    public async Task A_binary_value_is_sent_canonical_however_the_source_wrapped_it()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk($$"""{"VersionId":"{{Version}}","VersionStages":["AWSCURRENT"]}""");
        string wrapped = s_binarySource[..8] + "\r\n" + s_binarySource[8..];

        await context.CreateTarget().WriteAsync(Write(wrapped, "application/octet-stream") with { TargetKnownOwned = true });

        Assert.Equal(["PutSecretValue"], context.Handler.Operations);
        Assert.Equal(s_binarySource, context.Handler.Requests[0].Json.GetProperty("SecretBinary").GetString());
    }

    [Theory]
    [InlineData("text/plain", new string[] { "application/octet-stream" })]
    [InlineData(null, new string[] { "application/octet-stream" })]
    [InlineData("application/octet-stream", new string[0])]
    public async Task Other_content_types_and_an_empty_list_write_SecretString(string? contentType, string[] binaryTypes)
    {
        var context = new SecretsManagerTestContext(options => options.BinaryContentTypes = binaryTypes);
        context.Handler.RespondOk($$"""{"Name":"kv-app-db","VersionId":"{{Version}}"}""");

        await context.CreateTarget().WriteAsync(Write(s_binarySource, contentType));

        JsonElement create = context.Handler.Requests[0].Json;
        Assert.Equal(s_binarySource, create.GetProperty("SecretString").GetString());
        Assert.False(create.TryGetProperty("SecretBinary", out _));
    }

    [Fact]
    public async Task The_binary_content_types_are_configurable()
    {
        var context = new SecretsManagerTestContext(options => options.BinaryContentTypes = ["application/x-pkcs12"]);
        context.Handler.RespondOk($$"""{"Name":"kv-app-db","VersionId":"{{Version}}"}""");

        await context.CreateTarget().WriteAsync(Write(s_binarySource, "application/x-pkcs12"));

        Assert.Equal(s_binarySource, context.Handler.Requests[0].Json.GetProperty("SecretBinary").GetString());
    }

    [Fact]
    public async Task A_binary_content_type_on_a_value_that_is_not_base64_is_refused_without_a_call_and_without_the_value()
    {
        var context = new SecretsManagerTestContext();
        const string value = "not base64 at all!";

        var exception = await Assert.ThrowsAsync<SecretStoreException>(() => context.CreateTarget().WriteAsync(Write(value, "application/octet-stream")));

        Assert.Equal((false, TargetErrorCodes.BinaryValueNotBase64), (exception.IsTransient, exception.ErrorCode));
        Assert.Empty(context.Handler.Requests);
        Assert.DoesNotContain(value, exception.ToString(), StringComparison.Ordinal);
        Assert.Contains("vault1/app-db", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_binary_value_reads_back_as_base64()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk($$"""{"Name":"kv-app-db","VersionId":"{{Version}}","SecretBinary":"{{s_binarySource}}"}""");

        SecretValue? value = await context.CreateTarget().ReadCurrentValueAsync("kv-app-db");

        Assert.Equal(s_binarySource, value?.Reveal());
    }

    [Fact]
    public async Task By_default_a_foreign_secret_is_refused_and_the_message_names_the_setting()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondError(HttpStatusCode.BadRequest, Exists).RespondOk(SecretsManagerTestContext.ForeignDescribe);

        var exception = await Assert.ThrowsAsync<SecretStoreException>(() => context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write()));

        Assert.Equal(TargetErrorCodes.ForeignSecret, exception.ErrorCode);
        Assert.Contains("KvReplicator:SecretsManager:TakeoverPolicy", exception.Message, StringComparison.Ordinal);
        Assert.Equal(["CreateSecret", "DescribeSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task A_secret_with_our_managed_by_tag_but_no_source_tags_is_foreign_not_adopted_silently()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondError(HttpStatusCode.BadRequest, Exists).RespondOk(TaggedWithoutSourceDescribe);

        var exception = await Assert.ThrowsAsync<SecretStoreException>(() => context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write()));

        Assert.Equal(TargetErrorCodes.ForeignSecret, exception.ErrorCode);
        Assert.Contains("but not the source tags KvReplicator writes", exception.Message, StringComparison.Ordinal);
        Assert.Equal(["CreateSecret", "DescribeSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task A_secret_with_our_managed_by_tag_but_no_source_tags_is_listed_as_not_ours_and_never_deleted()
    {
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk(TaggedWithoutSourceDescribe).RespondOk(TaggedWithoutSourceDescribe);
        SecretsManagerTarget target = context.CreateTarget();

        Assert.False((await target.DescribeAsync("kv-app-db"))!.IsOwned);
        var exception = await Assert.ThrowsAsync<SecretStoreException>(() => target.DeleteAsync("kv-app-db", new TargetDeletion(RecoveryWindowInDays: 7, Force: true)));
        Assert.Equal(TargetErrorCodes.ForeignSecret, exception.ErrorCode);
        Assert.Equal(["DescribeSecret", "DescribeSecret"], context.Handler.Operations);
    }

    [Fact]
    public async Task Takeover_policy_Adopt_tags_the_secret_as_ours_even_one_carrying_only_the_managed_by_tag()
    {
        var context = new SecretsManagerTestContext(options => options.TakeoverPolicy = TakeoverPolicy.Adopt);
        context.Handler.RespondError(HttpStatusCode.BadRequest, Exists).RespondOk(TaggedWithoutSourceDescribe).RespondOk().RespondOk($$"""{"VersionId":"{{Version}}"}""");

        await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write());

        Assert.Equal(["CreateSecret", "DescribeSecret", "TagResource", "PutSecretValue"], context.Handler.Operations);
        Dictionary<string, string> tags = Tags(context.Handler.Requests[2].Json);
        Assert.Equal(("vault1", "app-db"), (tags[ReplicationTags.SourceVault], tags[ReplicationTags.SourceName]));
    }

    [Fact]
    public async Task Takeover_policy_AdoptIfEqual_adopts_a_secret_whose_current_value_equals_the_version()
    {
        var context = new SecretsManagerTestContext(options => options.TakeoverPolicy = TakeoverPolicy.AdoptIfEqual);
        context.Handler
            .RespondError(HttpStatusCode.BadRequest, Exists)
            .RespondOk(SecretsManagerTestContext.ForeignDescribe)
            .RespondOk("""{"Name":"kv-app-db","VersionId":"theirs","SecretString":"s3cr3t"}""")
            .RespondOk()
            .RespondOk($$"""{"VersionId":"{{Version}}"}""");

        TargetWriteResult result = await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(value: "s3cr3t"));

        Assert.True(result.OwnershipVerified);
        Assert.Equal(["CreateSecret", "DescribeSecret", "GetSecretValue", "TagResource", "PutSecretValue"], context.Handler.Operations);
        Assert.Equal("AWSCURRENT", context.Handler.Requests[2].Json.GetProperty("VersionStage").GetString());
    }

    [Theory]
    [InlineData("""{"Name":"kv-app-db","VersionId":"theirs","SecretString":"their-value"}""")]
    [InlineData("""{"Name":"kv-app-db","VersionId":"theirs","SecretBinary":"czNjcjN0"}""")] // base64 of "s3cr3t", but binary
    public async Task Takeover_policy_AdoptIfEqual_refuses_a_secret_whose_value_differs_without_saying_either_value(string current)
    {
        var context = new SecretsManagerTestContext(options => options.TakeoverPolicy = TakeoverPolicy.AdoptIfEqual);
        context.Handler.RespondError(HttpStatusCode.BadRequest, Exists).RespondOk(SecretsManagerTestContext.ForeignDescribe).RespondOk(current);

        var exception = await Assert.ThrowsAsync<SecretStoreException>(() => context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write(value: "s3cr3t")));

        Assert.Equal((false, TargetErrorCodes.ForeignSecret), (exception.IsTransient, exception.ErrorCode));
        Assert.Contains("TakeoverPolicy=AdoptIfEqual", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", exception.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("their-value", exception.ToString(), StringComparison.Ordinal);
        Assert.Equal(["CreateSecret", "DescribeSecret", "GetSecretValue"], context.Handler.Operations);
    }

    [Fact]
    public async Task Takeover_policy_AdoptIfEqual_refuses_a_secret_without_a_current_value()
    {
        var context = new SecretsManagerTestContext(options => options.TakeoverPolicy = TakeoverPolicy.AdoptIfEqual);
        context.Handler.RespondError(HttpStatusCode.BadRequest, Exists).RespondOk(SecretsManagerTestContext.ForeignDescribe).RespondError(HttpStatusCode.BadRequest, "ResourceNotFoundException");

        var exception = await Assert.ThrowsAsync<SecretStoreException>(() => context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write()));

        Assert.Equal(TargetErrorCodes.ForeignSecret, exception.ErrorCode);
    }

    [Fact]
    public async Task A_resource_policy_is_put_after_CreateSecret_with_Block_Public_Policy()
    {
        const string policy = """{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"secretsmanager:GetSecretValue","Resource":"*"}]}""";
        var context = new SecretsManagerTestContext(options => options.ResourcePolicy = policy);
        context.Handler.RespondOk($$"""{"Name":"kv-app-db","VersionId":"{{Version}}"}""").RespondOk("""{"Name":"kv-app-db"}""");

        await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write());

        Assert.Equal(["CreateSecret", "PutResourcePolicy"], context.Handler.Operations);
        JsonElement put = context.Handler.Requests[1].Json;
        Assert.Equal((policy, true), (put.GetProperty("ResourcePolicy").GetString(), put.GetProperty("BlockPublicPolicy").GetBoolean()));
    }

    [Fact]
    public async Task A_secret_of_ours_found_by_describing_gets_the_policy_again_so_a_failed_policy_call_is_completed_by_the_retry()
    {
        var context = new SecretsManagerTestContext(options => { options.ResourcePolicy = """{"Statement":[]}"""; options.BlockPublicPolicy = false; });
        context.Handler.RespondError(HttpStatusCode.BadRequest, Exists).RespondOk(SecretsManagerTestContext.OwnedDescribe).RespondOk().RespondOk($$"""{"VersionId":"{{Version}}"}""");

        await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write());

        Assert.Equal(["CreateSecret", "DescribeSecret", "PutResourcePolicy", "PutSecretValue"], context.Handler.Operations);
        Assert.False(context.Handler.Requests[2].Json.GetProperty("BlockPublicPolicy").GetBoolean());
    }

    [Fact]
    public async Task Each_replica_region_is_created_with_its_own_KMS_key_when_configured()
    {
        var context = new SecretsManagerTestContext(options =>
        {
            options.ReplicaRegions = ["eu-west-1", "eu-central-1"];
            options.ReplicaKmsKeyIds = new Dictionary<string, string> { ["eu-central-1"] = "alias/kv-fra" };
        });
        context.Handler.RespondOk($$"""{"Name":"kv-app-db","VersionId":"{{Version}}"}""");

        await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write());

        JsonElement[] replicas = [.. context.Handler.Requests[0].Json.GetProperty("AddReplicaRegions").EnumerateArray()];
        Assert.Equal("eu-west-1", replicas[0].GetProperty("Region").GetString());
        Assert.False(replicas[0].TryGetProperty("KmsKeyId", out _));
        Assert.Equal(("eu-central-1", "alias/kv-fra"), (replicas[1].GetProperty("Region").GetString(), replicas[1].GetProperty("KmsKeyId").GetString()));
    }

    [Fact]
    public async Task An_adopted_secret_is_replicated_to_the_configured_regions_it_lacks()
    {
        var context = new SecretsManagerTestContext(options =>
        {
            options.TakeoverPolicy = TakeoverPolicy.Adopt;
            options.ReplicaRegions = ["eu-west-1", "eu-central-1"];
            options.ReplicaKmsKeyIds = new Dictionary<string, string> { ["eu-central-1"] = "alias/kv-fra" };
        });
        context.Handler
            .RespondError(HttpStatusCode.BadRequest, Exists)
            .RespondOk("""{"Name":"kv-app-db","Tags":[],"ReplicationStatus":[{"Region":"eu-west-1","Status":"InSync"}]}""")
            .RespondOk()
            .RespondOk()
            .RespondOk($$"""{"VersionId":"{{Version}}"}""");

        await context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write());

        Assert.Equal(["CreateSecret", "DescribeSecret", "TagResource", "ReplicateSecretToRegions", "PutSecretValue"], context.Handler.Operations);
        JsonElement replica = Assert.Single(context.Handler.Requests[3].Json.GetProperty("AddReplicaRegions").EnumerateArray());
        Assert.Equal(("eu-central-1", "alias/kv-fra"), (replica.GetProperty("Region").GetString(), replica.GetProperty("KmsKeyId").GetString()));
    }

    [Fact]
    public async Task Tags_the_filter_leaves_out_are_not_sent()
    {
        var context = new SecretsManagerTestContext(options => { options.IncludeTagPatterns = ["team", "env"]; options.ExcludeTagPatterns = ["env"]; });
        context.Handler.RespondOk($$"""{"Name":"kv-app-db","VersionId":"{{Version}}"}""");
        TargetSecretWrite write = SecretsManagerTestContext.Write();

        await context.CreateTarget().WriteAsync(write with { Source = write.Source with { Tags = new Dictionary<string, string> { ["team"] = "a", ["env"] = "b", ["cost"] = "c" } } });

        Dictionary<string, string> tags = Tags(context.Handler.Requests[0].Json.GetProperty("Tags").EnumerateArray().ToArray());
        Assert.Equal("a", tags["team"]);
        Assert.False(tags.ContainsKey("env") || tags.ContainsKey("cost"));
    }

    [Fact]
    public async Task A_metadata_update_applies_only_the_new_tags_that_fit_beside_those_added_on_the_AWS_side()
    {
        // 4 of ours (managed-by, source vault, name, the record of source tags) and 44 added on the AWS side: room for 2.
        string[] awsSide = [.. Enumerable.Range(0, 44).Select(i => $"aws-side-{i:D2}")];
        string described = $$"""
            {"Name":"kv-app-db","Tags":[{"Key":"managed-by","Value":"kvreplicator"},{"Key":"kvreplicator:source-vault","Value":"vault1"},
             {"Key":"kvreplicator:source-name","Value":"app-db"},{"Key":"kvreplicator:source-tags","Value":""},
             {{string.Join(",", awsSide.Select(key => $$"""{"Key":"{{key}}","Value":"x"}"""))}}]}
            """;
        var context = new SecretsManagerTestContext();
        context.Handler.RespondOk(described).RespondOk();

        await context.CreateTarget().UpdateMetadataAsync(new TargetMetadataUpdate
        {
            TargetName = "kv-app-db",
            SetTags = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3", ["kvreplicator:source-tags"] = "a/b/c" },
        });

        Assert.Equal(["DescribeSecret", "TagResource"], context.Handler.Operations);
        Assert.Equal(["a", "b", "kvreplicator:source-tags"], Tags(context.Handler.Requests[1].Json).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Adoption_is_refused_when_our_own_tags_would_not_fit_beside_the_secrets_tags()
    {
        string described = $$"""{"Name":"kv-app-db","Tags":[{{string.Join(",", Enumerable.Range(0, 48).Select(i => $$"""{"Key":"t{{i}}","Value":"x"}"""))}}]}""";
        var context = new SecretsManagerTestContext(options => options.TakeoverPolicy = TakeoverPolicy.Adopt);
        context.Handler.RespondError(HttpStatusCode.BadRequest, Exists).RespondOk(described);

        var exception = await Assert.ThrowsAsync<SecretStoreException>(() => context.CreateTarget().WriteAsync(SecretsManagerTestContext.Write()));

        Assert.False(exception.IsTransient);
        Assert.Contains("too many tags", exception.Message, StringComparison.Ordinal);
        Assert.Equal(["CreateSecret", "DescribeSecret"], context.Handler.Operations);
    }

    private const string TaggedWithoutSourceDescribe = """
        {"Name":"kv-app-db","Tags":[{"Key":"managed-by","Value":"kvreplicator"}],"VersionIdsToStages":{"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa":["AWSCURRENT"]}}
        """;

    private static TargetSecretWrite Write(string value, string? contentType)
    {
        TargetSecretWrite write = SecretsManagerTestContext.Write(value: value);
        return write with { Source = write.Source with { ContentType = contentType } };
    }

    private static Dictionary<string, string> Tags(JsonElement request) => Tags([.. request.GetProperty("Tags").EnumerateArray()]);

    private static Dictionary<string, string> Tags(JsonElement[] tags) =>
        tags.ToDictionary(tag => tag.GetProperty("Key").GetString()!, tag => tag.GetProperty("Value").GetString()!);
}
