using KvReplicator.KeyVault;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.KeyVault;

public sealed class KeyVaultOptionsValidatorTests
{
    private readonly KeyVaultOptionsValidator _validator = new();

    [Fact]
    public void A_vault_uri_alone_is_enough_and_names_the_vault_after_its_first_label()
    {
        var options = new KeyVaultOptions { VaultUri = "https://contoso-prod.vault.azure.net/" };

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.True(result.Succeeded);
        Assert.Equal("contoso-prod", options.EffectiveVaultName);
    }

    [Fact]
    public void An_explicit_vault_name_wins_over_the_host()
    {
        var options = new KeyVaultOptions { VaultUri = "https://127.0.0.1:5001/", VaultName = "localvault" };

        Assert.True(_validator.Validate(null, options).Succeeded);
        Assert.Equal("localvault", options.EffectiveVaultName);
    }

    [Theory]
    [InlineData(null, "VaultUri")]
    [InlineData("contoso.vault.azure.net", "VaultUri")]
    [InlineData("http://contoso.vault.azure.net/", "VaultUri")]
    [InlineData("https://127.0.0.1:5001/", "VaultName is required")]
    public void A_missing_relative_plain_http_or_unnamed_ip_vault_uri_is_refused(string? vaultUri, string expected)
    {
        ValidateOptionsResult result = _validator.Validate(null, new KeyVaultOptions { VaultUri = vaultUri });

        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("KvReplicator:KeyVault:", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://contoso.vault.azure.net/", "fabrikam", false)]
    [InlineData("https://contoso.vault.azure.net/", "CONTOSO", true)]
    [InlineData("https://contoso.vault.azure.cn/", "fabrikam", false)]
    [InlineData("https://kv.internal.example/", "fabrikam", true)]
    public void A_vault_name_that_is_not_the_azure_vaults_own_is_refused(string vaultUri, string vaultName, bool valid)
    {
        // Events name a vault as its host does: with another name here, every one would be rejected as another vault's.
        ValidateOptionsResult result = _validator.Validate(null, new KeyVaultOptions { VaultUri = vaultUri, VaultName = vaultName });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains("KvReplicator:KeyVault:VaultName 'fabrikam' is not the vault at VaultUri", result.FailureMessage, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("VaultName", "bad_name")]
    [InlineData("TrustedServerCertificateThumbprint", "ABCDEF")]
    [InlineData("TrustedServerCertificateThumbprint", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdeg")]
    [InlineData("ManagedIdentityClientId", "not-a-guid")]
    public void Malformed_optional_settings_are_refused_by_name(string key, string value)
    {
        var options = new KeyVaultOptions { VaultUri = "https://contoso.vault.azure.net/" };
        typeof(KeyVaultOptions).GetProperty(key)!.SetValue(options, value);

        ValidateOptionsResult result = _validator.Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains($"KvReplicator:KeyVault:{key}", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Well_formed_optional_settings_pass()
    {
        var options = new KeyVaultOptions
        {
            VaultUri = "https://contoso.vault.azure.net/",
            TrustedServerCertificateThumbprint = new string('A', 64),
            ManagedIdentityClientId = "6a2c7c4d-1b9e-4f5a-9a53-0d1f4c7e8b21",
        };

        Assert.True(_validator.Validate(null, options).Succeeded);
    }
}
