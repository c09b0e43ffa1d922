using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Messaging.EventGrid;
using KvReplicator.DevTools.Local;
using KvReplicator.Cli.Serve;
using KvReplicator.DeadLettering;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.LocalCloud.KeyVault;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.Testing;
using KvReplicator.Testing.SecretsManager;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// <c>kvrep serve</c> on Kestrel over the real pipeline (local Key Vault, moto, Azurite), with a hop that quotes
/// the request in its errors in front of Secrets Manager, or a Key Vault that quotes the value in its read errors.
/// Neither the answer Event Grid gets, nor a log line, nor a dead letter, nor an exception message holds the
/// value; each still names what failed (operation, error type, status) so an operator can act. The suite's leak
/// guard checks the same after the run.
/// </summary>
public sealed class QuotingEndpointTests
{
    private const string Key = "quoting-delivery-key-0123456789abcdef0123456789";

    [Theory]
    [InlineData(QuotingMode.ValidationException, "CreateSecret", HttpStatusCode.BadRequest, "ValidationException (HTTP 400, request id 5f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c)")]
    [InlineData(QuotingMode.InternalFailure, "CreateSecret", HttpStatusCode.ServiceUnavailable, "InternalFailure (HTTP 500")]
    [InlineData(QuotingMode.NonJsonServerError, "CreateSecret", HttpStatusCode.ServiceUnavailable, "unknown error (HTTP 500")]
    [InlineData(QuotingMode.ValueInEverySlot, "CreateSecret", HttpStatusCode.BadRequest, "unknown error (HTTP 400)")]
    [InlineData(QuotingMode.ValidationException, "PutSecretValue", HttpStatusCode.BadRequest, "ValidationException (HTTP 400, request id 5f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c)")]
    [InlineData(QuotingMode.InternalFailure, "PutSecretValue", HttpStatusCode.ServiceUnavailable, "InternalFailure (HTTP 500")]
    [InlineData(QuotingMode.NonJsonServerError, "PutSecretValue", HttpStatusCode.ServiceUnavailable, "unknown error (HTTP 500")]
    [InlineData(QuotingMode.ValueInEverySlot, "PutSecretValue", HttpStatusCode.BadRequest, "unknown error (HTTP 400)")]
    public async Task A_Secrets_Manager_hop_that_quotes_the_request_gets_no_value_into_the_answer_or_the_logs(
        QuotingMode mode, string operation, HttpStatusCode expected, string expectedFailure)
    {
        var quoting = new RequestQuotingSecretsManager(mode) { Quoting = operation == "CreateSecret" };
        await using Serve serve = await Serve.StartAsync(services => services.AddHttpClient(SecretsManagerClient.HttpClientName).AddHttpMessageHandler(() => quoting));
        string name = SharedEmulators.UniqueName("quoted");
        if (operation == "PutSecretValue")
        {
            // The secret exists, so the next version is a PutSecretValue.
            string first = await serve.SetSecretAsync(name, "first-value-" + Guid.NewGuid().ToString("N"));
            (HttpStatusCode created, _) = await serve.DeliverAsync(name, first);
            Assert.Equal(HttpStatusCode.OK, created);
            quoting.Quoting = true;
        }

        string value = mode == QuotingMode.ValueInEverySlot
            ? "Quoted" + Guid.NewGuid().ToString("N")                         // header-safe, so the hop can put it in every slot
            : $"quoted-{Guid.NewGuid():N}\nline two \"é\" <b>&'";             // escaped differently by every JSON writer
        string version = await serve.SetSecretAsync(name, value);

        (HttpStatusCode status, string answer) = await serve.DeliverAsync(name, version);

        Assert.Equal(expected, status);
        Assert.True(quoting.Quoted > 0);
        Assert.Contains($"Secrets Manager {operation} failed: {expectedFailure}", answer, StringComparison.Ordinal);
        serve.AssertSaysNothingOf(value, answer);
    }

    [Theory]
    [InlineData(QuotedReadFailure.BadParameter, HttpStatusCode.BadRequest, "HTTP 400, error code BadParameter")]
    [InlineData(QuotedReadFailure.InternalServerError, HttpStatusCode.ServiceUnavailable, "HTTP 500, error code InternalServerError")]
    [InlineData(QuotedReadFailure.NonJsonServerError, HttpStatusCode.ServiceUnavailable, "HTTP 500.")]
    [InlineData(QuotedReadFailure.ValueAsErrorCode, HttpStatusCode.BadRequest, "HTTP 403, an error code Key Vault does not document (not shown)")]
    public async Task A_Key_Vault_read_that_quotes_the_value_gets_no_value_into_the_answer_or_the_logs(QuotedReadFailure failure, HttpStatusCode expected, string expectedFailure)
    {
        await using Serve serve = await Serve.StartAsync();
        string name = SharedEmulators.UniqueName("kvquoted");
        string value = failure == QuotedReadFailure.ValueAsErrorCode
            ? "KvQuoted" + Guid.NewGuid().ToString("N")
            : $"kv-quoted-{Guid.NewGuid():N}\n\"é\" <b>";
        string version = await serve.SetSecretAsync(name, value);
        serve.Cloud.KeyVault.ReadFailure = failure;

        (HttpStatusCode status, string answer) = await serve.DeliverAsync(name, version);

        Assert.Equal(expected, status);
        // The handler reads the latest version first (one read gives the value and "is it the newest?").
        Assert.Contains($"Key Vault read of the latest version of '{name}' failed: {expectedFailure}", answer, StringComparison.Ordinal);
        serve.AssertSaysNothingOf(value, answer);
    }

    [Fact]
    public async Task The_dead_letter_of_a_write_rejected_by_a_quoting_hop_holds_no_value()
    {
        var quoting = new RequestQuotingSecretsManager(QuotingMode.ValidationException);
        await using ReplicationHarness harness = await ReplicationHarness.StartAsync(
            services => services.AddHttpClient(SecretsManagerClient.HttpClientName).AddHttpMessageHandler(() => quoting));
        string name = SharedEmulators.UniqueName("deadletter");
        string value = $"dead-letter-{Guid.NewGuid():N}\n\"é\"";
        string version = await harness.SetSecretAsync(name, value);
        var gridEvent = new EventGridEvent(name, "Microsoft.KeyVault.SecretNewVersionCreated", "1", new
        {
            Id = $"{harness.Cloud.KeyVault.VaultUri}secrets/{name}/{version}", VaultName = harness.Cloud.KeyVault.VaultName,
            ObjectType = "Secret", ObjectName = name, Version = version,
        })
        { Topic = harness.Cloud.EventGrid.TopicFor(harness.Cloud.KeyVault.VaultName) };
        var sink = new CapturingSink();
        var deadLetterer = new RejectedDeliveryDeadLetterer(sink, TimeProvider.System, harness.Services.GetRequiredService<ILogger<RejectedDeliveryDeadLetterer>>());

        DeliveryResult result = await harness.Processor.ProcessAsync(gridEvent);
        await deadLetterer.DeadLetterAsync(gridEvent, result);

        Assert.Equal(DeliveryDisposition.Rejected, result.Disposition);
        string letter = Assert.Single(sink.Written);
        SecretLeakGuard.Capture("dead letter", letter);
        Assert.Contains("ValidationException (HTTP 400", letter, StringComparison.Ordinal);
        Assert.DoesNotContain(value, letter, StringComparison.Ordinal);
        Assert.DoesNotContain(JsonEncodedText.Encode(value).Value, letter, StringComparison.Ordinal);
        Assert.DoesNotContain("dead-letter-", letter.Replace("deadletter-", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        harness.Logs.AssertContainsNone([value, JsonEncodedText.Encode(value).Value]);
    }

    private sealed class CapturingSink : IDeadLetterSink
    {
        public List<string> Written { get; } = [];

        public string Location => "memory";

        public Task WriteAsync(string name, BinaryData content, CancellationToken cancellationToken = default)
        {
            Written.Add(content.ToString());
            return Task.CompletedTask;
        }
    }

    /// <summary><c>kvrep serve</c> on loopback Kestrel over the replicator as production composes it, against the local cloud.</summary>
    private sealed class Serve : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _client;

        private Serve(LocalCloudEnvironment cloud, WebApplication app, CapturedLogs logs)
        {
            Cloud = cloud;
            _app = app;
            Logs = logs;
            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            _client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(90) };
        }

        public LocalCloudEnvironment Cloud { get; }

        public CapturedLogs Logs { get; }

        public static async Task<Serve> StartAsync(Action<IServiceCollection>? configureServices = null)
        {
            LocalCloudEnvironment cloud = await LocalCloudEnvironment.StartAsync(moto: await SharedEmulators.MotoAsync(), azurite: await SharedEmulators.AzuriteAsync());
            IConfiguration configuration = cloud.ReplicatorConfiguration(
                SharedEmulators.UniqueName("quoting") + "/",
                SharedEmulators.UniqueName("ledger"),
                new Dictionary<string, string?> { ["KvReplicator:SecretsManager:MaxRetries"] = "1", ["KvReplicator:SecretsManager:BaseDelay"] = "00:00:00.010" });
            var logs = new CapturedLogs();
            SecretLeakGuard.Register(Key);
            WebApplicationBuilder builder = ServeHost.CreateBuilder(
                [],
                options => options.DeliveryKey = Key,
                services =>
                {
                    configureServices?.Invoke(services);
                    cloud.AddReplicator(services, configuration);
                });
            builder.Logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            WebApplication app = ServeHost.Build(builder);
            await app.StartAsync();
            return new Serve(cloud, app, logs);
        }

        public async Task<string> SetSecretAsync(string name, string value) =>
            (await Cloud.CreateSecretClient().SetSecretAsync(name, SecretLeakGuard.Register(value))).Value.Properties.Version;

        public async Task<(HttpStatusCode Status, string Body)> DeliverAsync(string name, string version)
        {
            var created = new SecretVersionCreated(Cloud.KeyVault.VaultName, Cloud.KeyVault.VaultUri, name, version, DateTimeOffset.UtcNow, null, null);
            JsonObject gridEvent = GridEvent.From(created, Cloud.EventGrid.TopicFor(created.VaultName)).ToEventGridSchema();
            using var content = new StringContent(new JsonArray(gridEvent).ToJsonString(), Encoding.UTF8);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/events") { Content = content };
            request.Headers.Add("aeg-event-type", "Notification");
            request.Headers.Add("X-Kvrep-Key", Key);
            using HttpResponseMessage response = await _client.SendAsync(request);
            string body = await response.Content.ReadAsStringAsync();
            SecretLeakGuard.Capture("serve answer", body);
            return (response.StatusCode, body);
        }

        /// <summary>Neither the answer nor any log line holds the value, as sent or as a JSON body quotes it.</summary>
        public void AssertSaysNothingOf(string value, string answer)
        {
            string[] forms = [value, JsonEncodedText.Encode(value).Value, JsonSerializer.Serialize(value)[1..^1]];
            foreach (string form in forms)
            {
                Assert.DoesNotContain(form, answer, StringComparison.Ordinal);
            }

            Logs.AssertContainsNone(forms);
            Assert.DoesNotContain(Logs.Entries, entry => entry.Contains("validation error detected", StringComparison.Ordinal) || entry.Contains("could not be validated", StringComparison.Ordinal));
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
            await Cloud.DisposeAsync();
        }
    }
}
