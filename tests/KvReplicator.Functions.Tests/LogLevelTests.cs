using KvReplicator.Testing;
using KvReplicator.Tests.Infra;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KvReplicator.Functions.Tests;

/// <summary>
/// Two filters decide which log lines are kept. The worker's own (<c>Logging__LogLevel__*</c> app settings) sees
/// the real categories and, with Application Insights configured, alone decides what is exported. Every line the
/// worker hands the host arrives there as <c>Function.&lt;name&gt;.User</c> (the host's own invocation lines as
/// <c>Function.&lt;name&gt;</c>), whatever its category in the worker, so host.json can only filter by function.
/// </summary>
public sealed class LogLevelTests
{
    private static readonly string s_hostJson = Path.Combine(RepositoryLayout.Root, "host.json");

    [Fact]
    public void Host_json_lets_every_function_s_lines_through_at_Information()
    {
        IConfiguration hostJson = new ConfigurationBuilder().AddJsonFile(s_hostJson).Build();
        using ILoggerFactory host = LoggerFactory.Create(logging => logging.AddConfiguration(hostJson.GetSection("logging")).AddProvider(new CapturedLogs()));

        Assert.NotEmpty(GeneratedFunctions.Metadata.Keys);
        foreach (string function in GeneratedFunctions.Metadata.Keys)
        {
            foreach (string category in new[] { $"Function.{function}", $"Function.{function}.User" })
            {
                ILogger logger = host.CreateLogger(category);
                Assert.True(logger.IsEnabled(LogLevel.Information), $"host.json drops {category} at Information");
                Assert.False(logger.IsEnabled(LogLevel.Debug), $"host.json keeps {category} at Debug");
            }
        }
    }

    [Fact]
    public void Host_json_has_no_rule_for_a_category_that_only_exists_in_the_worker()
    {
        IConfigurationSection levels = new ConfigurationBuilder().AddJsonFile(s_hostJson).Build().GetSection("logging:logLevel");

        Assert.DoesNotContain(levels.GetChildren(), rule => rule.Key.StartsWith("KvReplicator", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void The_worker_with_the_example_settings_keeps_the_replicator_s_lines_and_quiets_the_rest()
    {
        using IHost worker = WorkerHost.Build(WorkerHost.ExampleSettings());
        ILoggerFactory loggers = worker.Services.GetRequiredService<ILoggerFactory>();

        Assert.True(loggers.CreateLogger("KvReplicator.Functions.Reconcile").IsEnabled(LogLevel.Information));
        Assert.True(loggers.CreateLogger("KvReplicator.Replication.SecretReplicator").IsEnabled(LogLevel.Information));
        // HttpClient's request lines carry URIs; the SDKs' are chatty.
        Assert.False(loggers.CreateLogger("System.Net.Http.HttpClient.KvReplicator.SecretsManager.LogicalHandler").IsEnabled(LogLevel.Information));
        Assert.False(loggers.CreateLogger("Azure.Core").IsEnabled(LogLevel.Information));
    }
}
