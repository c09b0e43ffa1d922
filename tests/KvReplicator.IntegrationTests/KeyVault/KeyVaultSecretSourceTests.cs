using Azure.Security.KeyVault.Secrets;
using KvReplicator.KeyVault;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Replication;
using Microsoft.Extensions.Time.Testing;
using KvReplicator.Testing;

namespace KvReplicator.IntegrationTests.KeyVault;

/// <summary><see cref="KeyVaultSecretSource"/> over the real SecretClient, against the local stand-in.</summary>
public sealed class KeyVaultSecretSourceTests : IAsyncLifetime
{
    private static readonly DateTimeOffset s_start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(s_start);
    private LocalKeyVault _vault = null!;
    private SecretClient _client = null!;
    private KeyVaultSecretSource _source = null!;

    public async Task InitializeAsync()
    {
        _vault = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { VaultName = "sourcevault", TimeProvider = _clock, PageSize = 2 });
        _client = _vault.CreateSecretClient();
        _source = new KeyVaultSecretSource(_client, "sourcevault");
    }

    public async Task DisposeAsync() => await _vault.DisposeAsync();

    [Fact]
    public async Task A_version_is_found_with_its_value_and_properties_under_the_canonical_name()
    {
        KeyVaultSecret set = await _client.SetSecretAsync(new KeyVaultSecret("Db-Password", SecretLeakGuard.Register(" p@ss wörd \n"))
        {
            Properties = { ContentType = "text/plain", ExpiresOn = s_start.AddDays(30), Tags = { ["team"] = "payments" } },
        });

        SourceReadResult read = await _source.ReadVersionAsync("db-PASSWORD", set.Properties.Version);

        Assert.Equal(SourceReadStatus.Found, read.Status);
        SourceSecretVersion secret = read.Secret!;
        Assert.Equal("sourcevault", secret.VaultName);
        Assert.Equal("Db-Password", secret.Name);
        Assert.Equal(set.Properties.Version, secret.Version);
        Assert.Equal(" p@ss wörd \n", secret.Value.Reveal());
        Assert.Equal("text/plain", secret.ContentType);
        Assert.Equal("payments", secret.Tags["team"]);
        Assert.Equal(s_start, secret.CreatedOn);
        Assert.Equal(s_start.AddDays(30), secret.ExpiresOn);
    }

    [Fact]
    public async Task A_disabled_version_reads_as_disabled()
    {
        KeyVaultSecret set = await _client.SetSecretAsync(new KeyVaultSecret("disabled-one", "v") { Properties = { Enabled = false } });

        SourceReadResult read = await _source.ReadVersionAsync("disabled-one", set.Properties.Version);

        Assert.Equal(SourceReadStatus.Disabled, read.Status);
        Assert.Null(read.Secret);
    }

    [Fact]
    public async Task An_unknown_version_an_unknown_secret_and_a_deleted_secret_read_as_not_found()
    {
        KeyVaultSecret set = await _client.SetSecretAsync("soon-deleted", "v");
        await _client.SetSecretAsync("present", "v");
        await (await _client.StartDeleteSecretAsync("soon-deleted")).WaitForCompletionAsync();

        SourceReadResult unknownVersion = await _source.ReadVersionAsync("present", new string('a', 32));
        SourceReadResult unknownSecret = await _source.ReadVersionAsync("absent", new string('a', 32));
        SourceReadResult deleted = await _source.ReadVersionAsync("soon-deleted", set.Properties.Version);

        Assert.All([unknownVersion, unknownSecret, deleted], r => Assert.Equal(SourceReadStatus.NotFound, r.Status));
    }

    [Fact]
    public async Task The_latest_enabled_version_is_the_latest_when_it_is_enabled()
    {
        await _client.SetSecretAsync("plain", "one");
        _clock.Advance(TimeSpan.FromSeconds(1));
        KeyVaultSecret second = await _client.SetSecretAsync("plain", "two");

        Assert.Equal(second.Properties.Version, await _source.GetLatestEnabledVersionAsync("PLAIN"));
    }

    [Fact]
    public async Task When_the_latest_is_disabled_the_newest_enabled_older_version_is_chosen_across_pages()
    {
        await _client.SetSecretAsync("fallback", "one");
        _clock.Advance(TimeSpan.FromSeconds(1));
        KeyVaultSecret second = await _client.SetSecretAsync("fallback", "two");
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _client.SetSecretAsync(new KeyVaultSecret("fallback", "three") { Properties = { Enabled = false } });
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _client.SetSecretAsync(new KeyVaultSecret("fallback", "four") { Properties = { Enabled = false } });

        Assert.Equal(second.Properties.Version, await _source.GetLatestEnabledVersionAsync("fallback"));
    }

    [Fact]
    public async Task A_secret_with_no_enabled_version_or_none_at_all_has_no_latest_enabled_version()
    {
        await _client.SetSecretAsync(new KeyVaultSecret("all-disabled", "one") { Properties = { Enabled = false } });
        await _client.SetSecretAsync("deleted-latest", "one");
        await (await _client.StartDeleteSecretAsync("deleted-latest")).WaitForCompletionAsync();

        Assert.Null(await _source.GetLatestEnabledVersionAsync("all-disabled"));
        Assert.Null(await _source.GetLatestEnabledVersionAsync("never-existed"));
        Assert.Null(await _source.GetLatestEnabledVersionAsync("deleted-latest"));
    }

    [Fact]
    public async Task A_refused_token_is_a_permanent_failure_whose_message_names_status_code_and_the_setting_to_check()
    {
        await using LocalKeyVault guarded = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { ExpectedAccessToken = "right" });
        var source = new KeyVaultSecretSource(guarded.CreateSecretClient(new LocalKeyVaultCredential("wrong")), guarded.VaultName);

        SecretStoreException error = await Assert.ThrowsAsync<SecretStoreException>(() => source.ReadVersionAsync("any", new string('a', 32)));

        // A refusal waits for a person (issue 12): the event is dead-lettered and replayed once the credential is fixed.
        Assert.False(error.IsTransient);
        Assert.Equal("Unauthorized", error.ErrorCode);
        Assert.Contains("HTTP 401", error.Message, StringComparison.Ordinal);
        Assert.Contains("KvReplicator:AzureCredential:Source", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Bearer", error.Message, StringComparison.Ordinal);
        Assert.Null(error.InnerException);
    }

    [Fact]
    public async Task A_vault_that_does_not_answer_is_a_transient_failure()
    {
        LocalKeyVault stopped = await LocalKeyVault.StartAsync();
        SecretClientOptions options = stopped.CreateClientOptions();
        options.Retry.MaxRetries = 0;
        var source = new KeyVaultSecretSource(new SecretClient(stopped.VaultUri, new LocalKeyVaultCredential(), options), stopped.VaultName);
        await stopped.DisposeAsync();

        SecretStoreException error = await Assert.ThrowsAsync<SecretStoreException>(() => source.GetLatestEnabledVersionAsync("any"));

        Assert.True(error.IsTransient);
        Assert.Contains("no response", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_request_is_a_permanent_failure()
    {
        SecretStoreException error = await Assert.ThrowsAsync<SecretStoreException>(() => _source.ReadVersionAsync("not_a_valid_name", new string('a', 32)));

        Assert.False(error.IsTransient);
        Assert.Equal("BadParameter", error.ErrorCode);
    }

    [Fact]
    public async Task Listing_shows_every_secret_with_its_latest_version_and_no_deleted_one()
    {
        await _client.SetSecretAsync("listed-a", "one");
        _clock.Advance(TimeSpan.FromSeconds(1));
        KeyVaultSecret latestA = await _client.SetSecretAsync(new KeyVaultSecret("listed-a", "two") { Properties = { Enabled = false, Tags = { ["t"] = "1" } } });
        KeyVaultSecret b = await _client.SetSecretAsync(new KeyVaultSecret("listed-b", "one") { Properties = { ContentType = "text/plain" } });
        await _client.SetSecretAsync("listed-c", "one");
        await _client.SetSecretAsync("listed-d", "gone");
        await (await _client.StartDeleteSecretAsync("listed-d")).WaitForCompletionAsync();

        var listed = new List<SourceSecretSummary>();
        await foreach (SourceSecretSummary summary in _source.ListSecretsAsync())
        {
            listed.Add(summary);
        }

        Assert.Equal(["listed-a", "listed-b", "listed-c"], listed.Select(s => s.Name));
        SourceSecretSummary a = listed[0];
        Assert.Equal((latestA.Properties.Version, false, "1"), (a.LatestVersion, a.Enabled, a.Tags["t"]));
        Assert.Equal((b.Properties.Version, true, "text/plain"), (listed[1].LatestVersion, listed[1].Enabled, listed[1].ContentType));
    }
}
