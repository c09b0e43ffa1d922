using Amazon.Runtime;
using KvReplicator.Credentials;
using KvReplicator.Replication;

namespace KvReplicator.Tests.Credentials;

public sealed class AwsSdkCredentialSourceTests
{
    [Fact]
    public async Task Returns_the_given_credentials()
    {
        var source = new AwsSdkCredentialSource(new SessionAWSCredentials("ASIA1", "secret", "token"));

        AwsCredentials credentials = await source.GetCredentialsAsync();

        Assert.Equal("ASIA1", credentials.AccessKey);
        Assert.Equal("token", credentials.Token);
        Assert.Equal("aws-sdk-credentials", source.Name);
    }

    [Fact]
    public async Task Reports_a_failing_provider_as_a_transient_store_error_without_its_message()
    {
        var source = new AwsSdkCredentialSource(new FailingCredentials(), "test-source");

        var exception = await Assert.ThrowsAsync<SecretStoreException>(async () => await source.GetCredentialsAsync());

        Assert.True(exception.IsTransient);
        Assert.Equal("CredentialsUnavailable", exception.ErrorCode);
        Assert.Contains("test-source", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/home/someone/.aws/credentials", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_the_default_chain() => Assert.Equal("aws-default-chain", new AwsSdkCredentialSource().Name);

    private sealed class FailingCredentials : AWSCredentials
    {
        public override ImmutableCredentials GetCredentials() => throw new AmazonClientException("profile not found in /home/someone/.aws/credentials");

        public override Task<ImmutableCredentials> GetCredentialsAsync() => Task.FromException<ImmutableCredentials>(new AmazonClientException("profile not found in /home/someone/.aws/credentials"));
    }
}
