using Amazon.Runtime;
using KvReplicator.Credentials;
using KvReplicator.Notifications;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;

namespace KvReplicator.Tests.Notifications;

public sealed class NotificationsServiceCollectionExtensionsTests
{
    [Fact]
    public void Notifications_are_off_by_default()
    {
        using ServiceProvider provider = Build([]);

        Assert.IsType<NoOpReplicationNotifier>(provider.GetRequiredService<IReplicationNotifier>());
    }

    [Fact]
    public void Enabled_notifications_send_to_sqs_with_the_replicators_credentials()
    {
        using ServiceProvider provider = Build(new()
        {
            ["KvReplicator:Notifications:Enabled"] = "true",
            ["KvReplicator:Notifications:QueueUrl"] = "https://sqs.eu-west-1.amazonaws.com/123456789012/kvrep.fifo",
            ["KvReplicator:Notifications:Region"] = "eu-west-1",
        });

        Assert.IsType<SqsReplicationNotifier>(provider.GetRequiredService<IReplicationNotifier>());
    }

    [Fact]
    public void A_standard_queue_fails_validation_naming_the_setting()
    {
        using ServiceProvider provider = Build(new()
        {
            ["KvReplicator:Notifications:Enabled"] = "true",
            ["KvReplicator:Notifications:QueueUrl"] = "https://sqs.eu-west-1.amazonaws.com/123456789012/kvrep",
            ["KvReplicator:Notifications:Region"] = "eu-west-1",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<NotificationOptions>>().Value);
        Assert.Contains("KvReplicator:Notifications:QueueUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sdk_credentials_adapter_hands_over_the_credential_sources_keys()
    {
        var source = new Mock<ICredentialSource>();
        source.Setup(s => s.GetCredentialsAsync(It.IsAny<CancellationToken>())).ReturnsAsync(new AwsCredentials("AKIDEXAMPLE", "secret-example", "token-example"));

        ImmutableCredentials credentials = await new CredentialSourceAwsCredentials(source.Object).GetCredentialsAsync();

        Assert.Equal("AKIDEXAMPLE", credentials.AccessKey);
        Assert.Equal("token-example", credentials.Token);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddSingleton(Mock.Of<ICredentialSource>());
        services.AddReplicationNotifications(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        return services.BuildServiceProvider();
    }
}
