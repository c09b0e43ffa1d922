using KvReplicator.Cli.Serve;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using KvReplicator.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace KvReplicator.Tests.Serve;

public sealed class ScheduledReconcileServiceTests
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2030, 1, 1, 10, 2, 0, TimeSpan.Zero));
    private readonly CapturedLogs _logs = new();
    private readonly Mock<ISecretSource> _source = new(MockBehavior.Strict);
    private readonly Mock<ISecretTarget> _target = new(MockBehavior.Strict);
    private int _listings;
    private int _runsPlanned;

    public ScheduledReconcileServiceTests()
    {
        _source.SetupGet(s => s.VaultName).Returns("sample-kv");
        _source.Setup(s => s.ListSecretsAsync(It.IsAny<CancellationToken>())).Returns(() =>
        {
            Interlocked.Increment(ref _listings);
            return AsyncEnumerable.Empty<SourceSecretSummary>();
        });
        _target.Setup(t => t.ListSecretsAsync(It.IsAny<string>(), It.IsAny<CancellationToken>())).Returns(AsyncEnumerable.Empty<TargetSecretSummary>());
    }

    [Fact]
    public async Task Runs_at_each_occurrence_of_the_schedule_and_not_before()
    {
        await using ScheduledRun run = await StartAsync("0 */5 * * * *");

        _time.Advance(TimeSpan.FromMinutes(3) - TimeSpan.FromSeconds(1)); // 10:04:59
        Assert.Equal(0, Volatile.Read(ref _listings));

        _time.Advance(TimeSpan.FromSeconds(1)); // 10:05:00
        await WaitForNextPlanAsync(2);
        Assert.Equal(1, Volatile.Read(ref _listings));
        Assert.Contains(_logs.Entries, e => e.StartsWith("Information", StringComparison.Ordinal) && e.Contains("Reconcile finished: 0 secret(s)", StringComparison.Ordinal));

        _time.Advance(TimeSpan.FromMinutes(5)); // 10:10:00
        await WaitForNextPlanAsync(3);
        Assert.Equal(2, Volatile.Read(ref _listings));
    }

    [Fact]
    public async Task A_listing_failure_is_a_warning_and_the_next_occurrence_runs_again()
    {
        _source.Setup(s => s.ListSecretsAsync(It.IsAny<CancellationToken>())).Returns(() =>
        {
            Interlocked.Increment(ref _listings);
            return Throwing();
        });
        await using ScheduledRun run = await StartAsync("0 0 * * * *");

        _time.Advance(TimeSpan.FromMinutes(58)); // 11:00:00
        await WaitForNextPlanAsync(2);
        _time.Advance(TimeSpan.FromHours(1)); // 12:00:00
        await WaitForNextPlanAsync(3);

        Assert.Equal(2, Volatile.Read(ref _listings));
        Assert.Equal(2, _logs.Entries.Count(e => e.StartsWith("Warning", StringComparison.Ordinal) && e.Contains("could not list, nothing was changed", StringComparison.Ordinal)));
        Assert.Null(run.Service.ExecuteTask!.Exception);
    }

    [Fact]
    public async Task Stopping_the_host_ends_the_wait_without_a_run()
    {
        ScheduledRun run = await StartAsync("0 0 0 * * *");

        await run.DisposeAsync();

        Assert.True(run.Service.ExecuteTask!.IsCompletedSuccessfully);
        Assert.Equal(0, Volatile.Read(ref _listings));
    }

    [Theory]
    [InlineData(null, false)]
    [InlineData("", false)]
    [InlineData("   ", false)]
    [InlineData("0 0 */6 * * *", true)]
    public void Serve_schedules_reconcile_only_when_the_schedule_is_set(string? schedule, bool scheduled)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["KvReplicator:Reconcile:Schedule"] = schedule })
            .Build();
        var services = new ServiceCollection();

        ScheduledReconcileService.AddIfScheduled(services, configuration);

        Assert.Equal(scheduled, services.Any(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType == typeof(ScheduledReconcileService)));
    }

    [Theory]
    [InlineData("0 */6 * * *")] // five fields: a crontab line, not the Functions timer's format
    [InlineData("every six hours")]
    [InlineData("0 0 */6 * * * *")]
    public void A_schedule_serve_cannot_run_fails_validation_naming_the_setting(string schedule)
    {
        ValidateOptionsResult result = new ReconcileScheduleValidator().Validate(null, new ReconcileOptions { Schedule = schedule });

        Assert.True(result.Failed);
        Assert.StartsWith($"KvReplicator:Reconcile:Schedule '{schedule}' is not an NCRONTAB expression with six fields", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_schedule_of_the_Functions_timer_is_valid_for_serve()
    {
        Assert.True(new ReconcileScheduleValidator().Validate(null, new ReconcileOptions()).Succeeded);
    }

    private async Task<ScheduledRun> StartAsync(string schedule)
    {
        IOptions<ReconcileOptions> options = Options.Create(new ReconcileOptions { Schedule = schedule });
        var reconciler = new SecretReconciler(_source.Object, _target.Object, Options.Create(new ReplicationOptions()), options, _time, _logs.CreateLogger<SecretReconciler>());
        var service = new ScheduledReconcileService([reconciler], options, _time, new PlanCountingLogger(this, _logs.CreateLogger<ScheduledReconcileService>()));
        await service.StartAsync(CancellationToken.None);
        // ExecuteAsync runs on its own task (.NET 10): time may only move once the first occurrence is planned.
        await WaitForNextPlanAsync(1);
        return new ScheduledRun(service);
    }

    /// <summary>The service plans its next occurrence after each run; time may only move on once it has.</summary>
    private async Task WaitForNextPlanAsync(int plans)
    {
        using var timeout = new CancellationTokenSource(s_wait);
        while (Volatile.Read(ref _runsPlanned) < plans)
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private static async IAsyncEnumerable<SourceSecretSummary> Throwing()
    {
        await Task.Yield();
        throw new SecretStoreException("Key Vault listing failed: HTTP 503", isTransient: true);
#pragma warning disable CS0162 // an async iterator needs a yield to be one
        yield break;
#pragma warning restore CS0162
    }

    private sealed class ScheduledRun(ScheduledReconcileService service) : IAsyncDisposable
    {
        public ScheduledReconcileService Service { get; } = service;

        public async ValueTask DisposeAsync()
        {
            await Service.StopAsync(CancellationToken.None);
            Service.Dispose();
        }
    }

    /// <summary>Counts the service's "next scheduled reconcile" lines (event 810) and passes everything on.</summary>
    private sealed class PlanCountingLogger(ScheduledReconcileServiceTests test, ILogger<ScheduledReconcileService> inner) : ILogger<ScheduledReconcileService>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            if (eventId.Id == 810)
            {
                Interlocked.Increment(ref test._runsPlanned);
            }
        }
    }
}
