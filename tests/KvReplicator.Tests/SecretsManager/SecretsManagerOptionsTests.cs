using KvReplicator.SecretsManager;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.SecretsManager;

public sealed class SecretsManagerOptionsTests
{
    [Fact]
    public void Defaults_are_documented_values()
    {
        SecretsManagerOptions options = Resolve(new() { ["KvReplicator:SecretsManager:Region"] = "eu-west-1" });

        Assert.Equal(4, options.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.BaseDelay);
        Assert.False(options.AdoptForeignSecrets);
        Assert.Equal("kvrep-superseded", options.SupersededVersionStage);
        Assert.Null(options.ServiceUrl);
        Assert.Empty(options.ReplicaRegions);
    }

    [Fact]
    public void Binds_every_key()
    {
        SecretsManagerOptions options = Resolve(new()
        {
            ["KvReplicator:SecretsManager:Region"] = "us-gov-west-1",
            ["KvReplicator:SecretsManager:ServiceUrl"] = "http://127.0.0.1:5000",
            ["KvReplicator:SecretsManager:MaxRetries"] = "2",
            ["KvReplicator:SecretsManager:BaseDelay"] = "00:00:01",
            ["KvReplicator:SecretsManager:AdoptForeignSecrets"] = "true",
            ["KvReplicator:SecretsManager:SupersededVersionStage"] = "old",
            ["KvReplicator:SecretsManager:KmsKeyId"] = "alias/kv",
            ["KvReplicator:SecretsManager:ReplicaRegions:0"] = "us-gov-east-1",
        });

        Assert.Equal("us-gov-west-1", options.Region);
        Assert.Equal(new Uri("http://127.0.0.1:5000"), options.ServiceUrl);
        Assert.Equal(2, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(1), options.BaseDelay);
        Assert.True(options.AdoptForeignSecrets);
        Assert.Equal("old", options.SupersededVersionStage);
        Assert.Equal("alias/kv", options.KmsKeyId);
        Assert.Equal(["us-gov-east-1"], options.ReplicaRegions);
    }

    [Theory]
    [InlineData("Region", null, "Region is required")]
    [InlineData("Region", "Europe", "Region must be an AWS region name")]
    [InlineData("ServiceUrl", "ftp://example.test/", "ServiceUrl must be an absolute http or https URL")]
    [InlineData("MaxRetries", "11", "MaxRetries must be between 0 and 10")]
    [InlineData("BaseDelay", "00:01:00", "BaseDelay must be between 0 and 30 seconds")]
    [InlineData("SupersededVersionStage", "AWSCURRENT", "must not be one of the AWS-managed stages")]
    [InlineData("SupersededVersionStage", "has space", "SupersededVersionStage must be 1-256")]
    [InlineData("ReplicaRegions:0", "eu-west-1", "must not contain the primary region")]
    [InlineData("ReplicaRegions:0", "mars", "is not an AWS region name")]
    [InlineData("ReplicaKmsKeyIds:us-east-2", "alias/kv", "names 'us-east-2', which is not one of ReplicaRegions")]
    [InlineData("ResourcePolicy", "{not json", "ResourcePolicy must be a JSON policy document")]
    [InlineData("ResourcePolicy", "[]", "ResourcePolicy must be a JSON policy document")]
    [InlineData("TakeoverPolicy", "AdoptIfEqual", "contradicts TakeoverPolicy=AdoptIfEqual")]
    [InlineData("BinaryContentTypes:1", "octet-stream", "is not a media type")]
    public void Rejects_invalid_settings_with_a_clear_message(string key, string? value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["KvReplicator:SecretsManager:Region"] = "eu-west-1" };
        if (key == "TakeoverPolicy")
        {
            settings["KvReplicator:SecretsManager:AdoptForeignSecrets"] = "true";
        }

        settings[$"KvReplicator:SecretsManager:{key}"] = value;

        var exception = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains(exception.Failures, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Metadata_settings_default_to_refuse_every_tag_octet_stream_binary_and_no_policy()
    {
        SecretsManagerOptions options = Resolve(new() { ["KvReplicator:SecretsManager:Region"] = "eu-west-1" });

        Assert.Equal(TakeoverPolicy.Refuse, options.EffectiveTakeoverPolicy);
        Assert.Empty(options.IncludeTagPatterns);
        Assert.Empty(options.ExcludeTagPatterns);
        Assert.Equal(["application/octet-stream"], options.BinaryContentTypes);
        Assert.Null(options.ResourcePolicy);
        Assert.True(options.BlockPublicPolicy);
        Assert.Empty(options.ReplicaKmsKeyIds);
    }

    [Fact]
    public void Binds_the_metadata_settings()
    {
        SecretsManagerOptions options = Resolve(new()
        {
            ["KvReplicator:SecretsManager:Region"] = "eu-west-1",
            ["KvReplicator:SecretsManager:TakeoverPolicy"] = "AdoptIfEqual",
            ["KvReplicator:SecretsManager:IncludeTagPatterns:0"] = "team",
            ["KvReplicator:SecretsManager:ExcludeTagPatterns:0"] = "internal-*",
            ["KvReplicator:SecretsManager:BinaryContentTypes:0"] = "application/x-pkcs12",
            ["KvReplicator:SecretsManager:ResourcePolicy"] = """{"Version":"2012-10-17","Statement":[]}""",
            ["KvReplicator:SecretsManager:BlockPublicPolicy"] = "false",
            ["KvReplicator:SecretsManager:ReplicaRegions:0"] = "eu-central-1",
            ["KvReplicator:SecretsManager:ReplicaKmsKeyIds:eu-central-1"] = "alias/kv-fra",
        });

        Assert.Equal(TakeoverPolicy.AdoptIfEqual, options.EffectiveTakeoverPolicy);
        Assert.Equal(["team"], options.IncludeTagPatterns);
        Assert.Equal(["internal-*"], options.ExcludeTagPatterns);
        Assert.Equal(["application/octet-stream", "application/x-pkcs12"], options.BinaryContentTypes);
        Assert.StartsWith("""{"Version""", options.ResourcePolicy, StringComparison.Ordinal);
        Assert.False(options.BlockPublicPolicy);
        Assert.Equal("alias/kv-fra", options.ReplicaKmsKeyIds["eu-central-1"]);
    }

    [Theory]
    [InlineData(false, "Refuse", "Refuse")]
    [InlineData(true, "Refuse", "Adopt")]
    [InlineData(true, "Adopt", "Adopt")]
    [InlineData(false, "AdoptIfEqual", "AdoptIfEqual")]
    public void AdoptForeignSecrets_still_means_adopt(bool adoptForeignSecrets, string policy, string effective) =>
        Assert.Equal(
            Enum.Parse<TakeoverPolicy>(effective),
            new SecretsManagerOptions { AdoptForeignSecrets = adoptForeignSecrets, TakeoverPolicy = Enum.Parse<TakeoverPolicy>(policy) }.EffectiveTakeoverPolicy);

    [Fact]
    public void A_resource_policy_as_a_string_is_kept_as_written() =>
        Assert.Equal("""{"Statement":[]}""", Resolve(new() { ["KvReplicator:SecretsManager:Region"] = "eu-west-1", ["KvReplicator:SecretsManager:ResourcePolicy"] = """{"Statement":[]}""" }).ResourcePolicy);

    private static SecretsManagerOptions Resolve(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using ServiceProvider provider = new ServiceCollection().AddSecretsManagerTarget(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<SecretsManagerOptions>>().Value;
    }
}
