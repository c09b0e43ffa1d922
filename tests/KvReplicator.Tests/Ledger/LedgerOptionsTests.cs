using KvReplicator.Ledger;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.Ledger;

public sealed class LedgerOptionsTests
{
    private const string Emulator = "UseDevelopmentStorage=true";

    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        LedgerOptions options = Bind(new() { ["ConnectionString"] = Emulator });

        Assert.Equal("kvreplicator-ledger", options.ContainerName);
        Assert.Null(options.ManagedIdentityClientId);
    }

    [Fact]
    public void Section_keys_are_bound()
    {
        LedgerOptions options = Bind(new()
        {
            ["ServiceUri"] = "https://account.blob.core.windows.net",
            ["ContainerName"] = "ledger-prod",
            ["ManagedIdentityClientId"] = "2f0a9a1e-3c1b-4d5e-8f70-1a2b3c4d5e6f",
        });

        Assert.Equal(new Uri("https://account.blob.core.windows.net"), options.ServiceUri);
        Assert.Equal("ledger-prod", options.ContainerName);
        Assert.Equal("2f0a9a1e-3c1b-4d5e-8f70-1a2b3c4d5e6f", options.ManagedIdentityClientId);
    }

    [Fact]
    public void Neither_endpoint_nor_connection_string_is_rejected()
    {
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["ContainerName"] = "ledger" }));

        Assert.Contains("Set ServiceUri", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Both_endpoint_and_connection_string_are_rejected()
    {
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["ServiceUri"] = "https://account.blob.core.windows.net",
            ["ConnectionString"] = Emulator,
        }));

        Assert.Contains("not both", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_or_non_http_service_uri_is_rejected()
    {
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["ServiceUri"] = "ftp://account.blob.core.windows.net" }));

        Assert.Contains("ServiceUri must be an absolute https:// URI", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ab")]
    [InlineData("Ledger")]
    [InlineData("-ledger")]
    [InlineData("ledger-")]
    [InlineData("led--ger")]
    [InlineData("led_ger")]
    [InlineData("")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public void Container_names_breaking_blob_naming_rules_are_rejected(string name)
    {
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["ConnectionString"] = Emulator, ["ContainerName"] = name }));

        Assert.Contains("ContainerName", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("kv-1-ledger")]
    [InlineData("a23456789012345678901234567890123456789012345678901234567890123")]
    public void Valid_container_names_are_accepted(string name) =>
        Assert.Equal(name, Bind(new() { ["ConnectionString"] = Emulator, ["ContainerName"] = name }).ContainerName);

    [Fact]
    public void Managed_identity_client_id_must_be_a_guid()
    {
        OptionsValidationException error = Assert.Throws<OptionsValidationException>(() => Bind(new()
        {
            ["ServiceUri"] = "https://account.blob.core.windows.net",
            ["ManagedIdentityClientId"] = "my-identity",
        }));

        Assert.Contains("ManagedIdentityClientId", error.Message, StringComparison.Ordinal);
    }

    private static LedgerOptions Bind(Dictionary<string, string?> section)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(section.ToDictionary(pair => $"{LedgerOptions.SectionName}:{pair.Key}", pair => pair.Value))
            .Build();
        using ServiceProvider provider = new ServiceCollection().AddBlobLedger(configuration).BuildServiceProvider();
        return provider.GetRequiredService<IOptions<LedgerOptions>>().Value;
    }
}
