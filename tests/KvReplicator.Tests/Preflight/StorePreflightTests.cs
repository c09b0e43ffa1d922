using KvReplicator.Credentials;
using KvReplicator.Preflight;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace KvReplicator.Tests.Preflight;

public sealed class StorePreflightTests
{
    [Fact]
    public async Task Every_check_runs_in_order_and_a_store_failure_is_a_refusal_or_unavailability_by_its_classification()
    {
        var preflight = new StorePreflight(
        [
            new ScriptedCheck("Key Vault", _ => Task.FromResult(StoreCheckResult.Failed("https://kv/", new SecretStoreException("refused", isTransient: false)))),
            new ScriptedCheck("Ledger container", _ => Task.FromResult(StoreCheckResult.Failed("http://blob/c", new SecretStoreException("no answer", isTransient: true)))),
            new ScriptedCheck("AWS credentials", _ => Task.FromResult(StoreCheckResult.Passed("web-identity", "obtained"))),
        ]);

        PreflightReport report = await preflight.RunAsync();

        Assert.Equal(["Key Vault", "Ledger container", "AWS credentials"], report.Checks.Select(check => check.Store));
        Assert.Equal([PreflightFailure.Refused, PreflightFailure.Unavailable, PreflightFailure.None], report.Checks.Select(check => check.Failure));
        Assert.False(report.Passed);
        Assert.Equal(PreflightFailure.Refused, report.Worst);
    }

    [Fact]
    public async Task A_check_whose_prerequisite_failed_is_skipped_rather_than_failing_the_same_way()
    {
        var secretsManager = new ScriptedCheck("Secrets Manager", _ => throw new InvalidOperationException("must not run"), requires: "AWS credentials");
        var preflight = new StorePreflight(
        [
            new ScriptedCheck("AWS credentials", _ => Task.FromResult(StoreCheckResult.Failed("sts", "refused", PreflightFailure.Refused))),
            secretsManager,
        ]);

        PreflightReport report = await preflight.RunAsync();

        PreflightCheck skipped = report.Checks[1];
        Assert.Equal(PreflightStatus.Skipped, skipped.Status);
        Assert.Contains("AWS credentials did not pass", skipped.Detail, StringComparison.Ordinal);
        Assert.Equal(0, secretsManager.Runs);
    }

    [Fact]
    public async Task A_store_that_does_not_answer_in_time_is_unavailable()
    {
        var clock = new FakeTimeProvider();
        var preflight = new StorePreflight([new ScriptedCheck("Key Vault", async token =>
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
            return StoreCheckResult.Passed("-", "-");
        })], clock);

        Task<PreflightReport> running = preflight.RunAsync();
        clock.Advance(StorePreflight.CheckTimeout);
        PreflightReport report = await running;

        PreflightCheck check = Assert.Single(report.Checks);
        Assert.Equal(PreflightStatus.Failed, check.Status);
        Assert.Equal(PreflightFailure.Unavailable, check.Failure);
        Assert.Contains("no answer within 20 s", check.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_callers_own_cancellation_is_not_reported_as_a_store_failure()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var preflight = new StorePreflight([new ScriptedCheck("Key Vault", token => Task.FromCanceled<StoreCheckResult>(token))]);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => preflight.RunAsync(cancelled.Token));
    }

    [Fact]
    public async Task Invalid_settings_of_a_store_are_a_settings_failure_with_the_validation_message()
    {
        var invalid = new OptionsValidationException("KeyVaultOptions", typeof(object), ["KvReplicator:KeyVault:VaultUri must be an absolute https URI."]);
        var preflight = new StorePreflight([new ScriptedCheck("Key Vault", _ => throw invalid)]);

        PreflightCheck check = Assert.Single((await preflight.RunAsync()).Checks);

        Assert.Equal(PreflightFailure.Settings, check.Failure);
        Assert.Equal("KvReplicator:KeyVault:VaultUri must be an absolute https URI.", check.Detail);
    }

    [Fact]
    public void A_setting_of_the_wrong_type_is_named_with_its_type_and_without_its_value()
    {
        // The binder's own exception, from a real binding: its message quotes the value.
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["KvReplicator:Reconcile:MaxConcurrency"] = "four-hunter2" })
            .Build();
        InvalidOperationException binding = Assert.Throws<InvalidOperationException>(
            () => configuration.GetSection("KvReplicator:Reconcile").Get<ReconcileOptions>());

        string? described = StorePreflight.SettingsError(binding);

        Assert.Equal("KvReplicator:Reconcile:MaxConcurrency is not a valid whole number.", described);
        Assert.Null(StorePreflight.SettingsError(new InvalidOperationException("something else")));
    }

    [Fact]
    public void An_enum_setting_of_the_wrong_value_lists_the_values_it_may_take()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["KvReplicator:Credentials:Source"] = "Magic" })
            .Build();
        InvalidOperationException binding = Assert.Throws<InvalidOperationException>(
            () => configuration.GetSection("KvReplicator:Credentials").Get<CredentialsOptions>());

        Assert.Equal(
            "KvReplicator:Credentials:Source is not a valid value: one of Default, SigningHelper, RolesAnywhere, WebIdentity.",
            StorePreflight.SettingsError(binding));
    }

    private sealed class ScriptedCheck(string store, Func<CancellationToken, Task<StoreCheckResult>> check, string? requires = null) : IStoreCheck
    {
        public int Runs { get; private set; }

        public string Store => store;

        public string? Requires => requires;

        public Task<StoreCheckResult> CheckAsync(CancellationToken cancellationToken = default)
        {
            Runs++;
            return check(cancellationToken);
        }
    }
}
