using System.ComponentModel.DataAnnotations;
using KvReplicator.DeadLettering;

namespace KvReplicator.Tests.DeadLettering;

public sealed class DeadLetterOptionsTests
{
    [Fact]
    public void Unset_is_valid_and_not_configured()
    {
        var options = new DeadLetterOptions();

        Assert.Empty(Validate(options));
        Assert.False(options.IsConfigured);
    }

    [Fact]
    public void A_service_uri_or_a_connection_string_configures_it()
    {
        Assert.True(new DeadLetterOptions { ServiceUri = new Uri("https://account.blob.core.windows.net") }.IsConfigured);
        Assert.True(new DeadLetterOptions { ConnectionString = "UseDevelopmentStorage=true" }.IsConfigured);
    }

    [Fact]
    public void Both_destinations_are_refused()
    {
        var options = new DeadLetterOptions { ServiceUri = new Uri("https://account.blob.core.windows.net"), ConnectionString = "UseDevelopmentStorage=true" };

        Assert.Contains(Validate(options), r => r.ErrorMessage!.Contains("not both", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Dead_Letters")]
    [InlineData("ab")]
    [InlineData("")]
    public void A_container_name_blob_storage_refuses_is_refused(string name)
    {
        var options = new DeadLetterOptions { ConnectionString = "UseDevelopmentStorage=true", ContainerName = name };

        Assert.Contains(Validate(options), r => r.MemberNames.Contains(nameof(DeadLetterOptions.ContainerName)));
    }

    [Fact]
    public void A_managed_identity_client_id_must_be_a_guid()
    {
        var options = new DeadLetterOptions { ServiceUri = new Uri("https://account.blob.core.windows.net"), ManagedIdentityClientId = "my-identity" };

        Assert.Contains(Validate(options), r => r.MemberNames.Contains(nameof(DeadLetterOptions.ManagedIdentityClientId)));
    }

    private static List<ValidationResult> Validate(DeadLetterOptions options)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        return results;
    }
}
