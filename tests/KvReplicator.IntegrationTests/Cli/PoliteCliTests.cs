using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KvReplicator.Cli;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.LocalCloud.KeyVault;

namespace KvReplicator.IntegrationTests.Cli;

/// <summary>
/// The expected failures of <c>kvrep</c>, each run as a real process against the local cloud: one line on stderr,
/// the exit code of src/KvReplicator.Cli/ExitCodes.cs, and no stack trace anywhere.
/// </summary>
public sealed class PoliteCliTests : IAsyncLifetime
{
    private LocalCloudEnvironment _cloud = null!;
    private string _folder = null!;

    public async Task InitializeAsync()
    {
        _cloud = await LocalCloudEnvironment.StartAsync(moto: await SharedEmulators.MotoAsync(), azurite: await SharedEmulators.AzuriteAsync());
        _folder = Directory.CreateTempSubdirectory("kvrep-test-polite-").FullName;
    }

    public async Task DisposeAsync()
    {
        await _cloud.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task An_unreachable_vault_is_one_line_and_exit_code_9()
    {
        (int exitCode, string stdout, string stderr) = await KvrepProcess.RunAsync(["verify"], Settings(new() { ["KvReplicator:KeyVault:VaultUri"] = $"https://127.0.0.1:{FreePort.Next()}/" }));

        Assert.Equal(ExitCodes.StoreUnavailable, exitCode);
        KvrepProcess.AssertOneLine("kvrep verify: Key Vault [https://127.0.0.1:", stderr);
        Assert.Contains("no response", stderr, StringComparison.Ordinal);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task A_token_the_vault_refuses_is_one_line_and_exit_code_10()
    {
        await using LocalKeyVault strict = await LocalKeyVault.StartAsync(new LocalKeyVaultOptions { ExpectedAccessToken = "only-this-token" });

        (int exitCode, _, string stderr) = await KvrepProcess.RunAsync(["status"], Settings(new()
        {
            ["KvReplicator:KeyVault:VaultUri"] = strict.VaultUri.ToString(),
            ["KvReplicator:KeyVault:TrustedServerCertificateThumbprint"] = strict.CertificateThumbprintSha256,
        }));

        Assert.Equal(ExitCodes.StoreRefused, exitCode);
        KvrepProcess.AssertOneLine("kvrep status: Key Vault [", stderr);
        Assert.Contains("HTTP 401", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_tls_thumbprint_is_one_line_naming_the_setting()
    {
        (int exitCode, _, string stderr) = await KvrepProcess.RunAsync(
            ["sync", "--dry-run"], Settings(new() { ["KvReplicator:KeyVault:TrustedServerCertificateThumbprint"] = new string('a', 64) }));

        Assert.Equal(ExitCodes.StoreRefused, exitCode);
        KvrepProcess.AssertOneLine("kvrep sync: Key Vault [", stderr);
        Assert.Contains("KvReplicator:KeyVault:TrustedServerCertificateThumbprint", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_setting_of_the_wrong_type_is_one_line_and_exit_code_2()
    {
        (int exitCode, _, string stderr) = await KvrepProcess.RunAsync(["sync"], Settings(new() { ["KvReplicator:Reconcile:MaxConcurrency"] = "four" }));

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        KvrepProcess.AssertOneLine("kvrep sync: KvReplicator:Reconcile:MaxConcurrency is not a valid whole number.", stderr);
    }

    [Fact]
    public async Task Doctor_refuses_the_write_limits_that_serve_refuses_and_never_calls_them_valid()
    {
        foreach (string value in new[] { "99", "many" })
        {
            // Without a ledger doctor checks what a read-only deployment needs, and still shows every target's write quota and limit.
            (int exitCode, string stdout, _) = await KvrepProcess.RunAsync(["doctor"], Settings(new()
            {
                ["KvReplicator:WriteRateLimit:PermitsPerSecond"] = value,
                ["KvReplicator:Ledger:ConnectionString"] = string.Empty,
                ["KvReplicator:Ledger:ServiceUri"] = string.Empty,
            }));

            Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
            Assert.Contains("KvReplicator:WriteRateLimit:PermitsPerSecond", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("every setting is valid", stdout, StringComparison.Ordinal);
            Assert.DoesNotContain("Write quota", stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_malformed_configuration_file_is_one_line_with_its_line_and_position()
    {
        string config = Path.Combine(_folder, "broken.json");
        await File.WriteAllTextAsync(config, "{\n  \"KvReplicator\": {\n    \"Reconcile\": { \"MaxConcurrency\": 4, }\n  }\n  oops\n}");

        (int exitCode, _, string stderr) = await KvrepProcess.RunAsync(["verify", "--config", config], Settings());

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        KvrepProcess.AssertOneLine($"kvrep verify: configuration file '{config}' is not valid JSON at line 5, position 3.", stderr);
    }

    [Fact]
    public async Task A_missing_configuration_file_is_one_line_and_exit_code_2()
    {
        string missing = Path.Combine(_folder, "missing.json");

        (int exitCode, _, string stderr) = await KvrepProcess.RunAsync(["doctor", "--config", missing], Settings());

        // doctor prints its checklist on stdout; stderr stays empty, the exit code says it all.
        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        Assert.Empty(stderr);

        (int replayExit, _, string replayError) = await KvrepProcess.RunAsync(["replay", "--folder", _folder, "--config", missing], Settings());
        Assert.Equal(ExitCodes.InvalidConfiguration, replayExit);
        KvrepProcess.AssertOneLine($"kvrep replay: configuration file '{missing}' does not exist.", replayError);
    }

    [Fact]
    public async Task Ctrl_c_while_a_store_is_slow_to_answer_is_one_line_and_exit_code_130()
    {
        // A "vault" that accepts the connection and never says a word: the preflight waits on it until Ctrl-C.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var vault = $"https://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}/";
        TcpClient? accepted = null;

        (int exitCode, string stdout, string stderr) = await KvrepProcess.RunAsync(["verify"], Settings(new() { ["KvReplicator:KeyVault:VaultUri"] = vault }), async process =>
        {
            accepted = await silent.AcceptTcpClientAsync();
            await SendAsync(process, "INT");
        });
        accepted?.Dispose();

        Assert.Equal(ExitCodes.Cancelled, exitCode);
        KvrepProcess.AssertOneLine("kvrep verify: stopped by Ctrl-C or SIGTERM before it finished.", stderr);
        Assert.Empty(stdout);
    }

    [Fact]
    public async Task Serve_with_bad_settings_prints_one_line_and_no_hosting_trace()
    {
        Dictionary<string, string?> settings = Settings(new() { ["KvReplicator:Reconcile:MaxConcurrency"] = "four" });
        settings["KvReplicator__Serve__DeliveryKey"] = new string('k', 64);

        (int exitCode, string stdout, string stderr) = await KvrepProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0"], settings);

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        KvrepProcess.AssertOneLine("kvrep serve: KvReplicator:Reconcile:MaxConcurrency is not a valid whole number.", stderr);
        Assert.DoesNotContain("Hosting failed to start", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_with_an_unreachable_store_stops_before_listening_with_one_line()
    {
        Dictionary<string, string?> settings = Settings(new() { ["KvReplicator:SecretsManager:ServiceUrl"] = $"http://127.0.0.1:{FreePort.Next()}/" });
        settings["KvReplicator__Serve__DeliveryKey"] = new string('k', 64);

        (int exitCode, string stdout, string stderr) = await KvrepProcess.RunAsync(["serve", "--urls", "http://127.0.0.1:0"], settings);

        Assert.Equal(ExitCodes.StoreUnavailable, exitCode);
        KvrepProcess.AssertOneLine("kvrep serve: Secrets Manager [", stderr);
        Assert.DoesNotContain("Hosting failed to start", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Now listening", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serve_on_an_address_in_use_says_so_in_one_line()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        string address = $"http://127.0.0.1:{((IPEndPoint)taken.LocalEndpoint).Port}";
        Dictionary<string, string?> settings = Settings();
        settings["KvReplicator__Serve__DeliveryKey"] = new string('k', 64);

        (int exitCode, string stdout, string stderr) = await KvrepProcess.RunAsync(["serve", "--urls", address], settings);

        Assert.Equal(ExitCodes.InvalidConfiguration, exitCode);
        KvrepProcess.AssertOneLine($"kvrep serve: Failed to bind to address {address}", stderr);
        Assert.DoesNotContain("Hosting failed to start", stdout + stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stdout, StringComparison.Ordinal);
    }

    /// <summary>The local cloud's settings as another shell would have them (Azure's LocalCloud credential, STS web identity on moto), plus overrides.</summary>
    private Dictionary<string, string?> Settings(Dictionary<string, string?>? overrides = null)
    {
        var settings = new Dictionary<string, string?>(_cloud.ReplicatorSettings(SharedEmulators.UniqueName("polite") + "/", SharedEmulators.UniqueName("ledger")));
        foreach ((string key, string? value) in LocalDeployment.WebIdentitySettings(_cloud).Concat(overrides ?? []))
        {
            settings[key] = value;
        }

        settings["KvReplicator:AzureCredential:Source"] = "LocalCloud";
        return KvrepProcess.AsEnvironment(settings);
    }

    private static async Task SendAsync(Process process, string signal)
    {
        using Process kill = Process.Start("kill", [$"-{signal}", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
    }
}
