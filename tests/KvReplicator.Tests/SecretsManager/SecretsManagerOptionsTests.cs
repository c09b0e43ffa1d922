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
    public void Rejects_invalid_settings_with_a_clear_message(string key, string? value, string expected)
    {
        var settings = new Dictionary<string, string?> { ["KvReplicator:SecretsManager:Region"] = "eu-west-1" };
        settings[$"KvReplicator:SecretsManager:{key}"] = value;

        var exception = Assert.Throws<OptionsValidationException>(() => Resolve(settings));

        Assert.Contains(exception.Failures, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    private static SecretsManagerOptions Resolve(Dictionary<string, string?> settings)
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        using ServiceProvider provider = new ServiceCollection().AddSecretsManagerTarget(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<SecretsManagerOptions>>().Value;
    }
}
