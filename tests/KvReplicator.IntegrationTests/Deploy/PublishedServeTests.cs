using System.Diagnostics;
using System.Net;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Cli;
using KvReplicator.DevTools.Local;
using KvReplicator.IntegrationTests.Emulators;
using KvReplicator.LocalCloud.Emulators;
using KvReplicator.LocalCloud.EventGrid;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;
using KvReplicator.Testing;

namespace KvReplicator.IntegrationTests.Deploy;

/// <summary>
/// The container image cannot be built here (no base image registry), so this test does what the image does:
/// publishes the CLI with the Dockerfile's own publish arguments, makes the result read-only (the chart mounts
/// the root filesystem read-only), and starts it with the Dockerfile's ENTRYPOINT, WORKDIR and ENV plus only
/// environment variables, the way a platform configures the container. Tokens come from a loopback managed
/// identity endpoint, as on Azure Container Apps; the stores are the test fixtures' emulators.
/// </summary>
[SupportedOSPlatform("linux")] // the image is Linux; file modes and setpriv are too
public sealed class PublishedServeTests
{
    private static readonly TimeSpan s_publishTimeout = TimeSpan.FromMinutes(10);
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(90);

    [Fact]
    public void The_image_is_multi_stage_non_root_and_runs_serve_on_one_port()
    {
        ServeImageDefinition image = ServeImageDefinition.Read();

        Assert.True(image.Stages >= 2, "the SDK must stay out of the runtime image");
        Assert.Matches("^[1-9][0-9]*$", image.User ?? string.Empty); // numeric, so runAsNonRoot can check it
        Assert.Equal(["dotnet", "kvrep.dll", "serve"], image.Entrypoint);
        Assert.Equal(image.Environment["ASPNETCORE_HTTP_PORTS"], Assert.Single(image.ExposedPorts));
        Assert.Contains("-p:UseAppHost=false", image.PublishArguments);
        Assert.Equal("/app", image.PublishOutput);
        Assert.Equal("/app", image.WorkingDirectory);
        // Configuration is the platform's business: no replicator setting is baked into the image.
        Assert.DoesNotContain(image.Environment.Keys, name => name.StartsWith("KvReplicator__", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task The_published_directory_started_like_the_image_becomes_ready_and_replicates_a_delivery()
    {
        ServeImageDefinition image = ServeImageDefinition.Read();
        string root = Directory.CreateTempSubdirectory("kvrep-published-serve-").FullName;
        string app = Path.Combine(root, "app");
        try
        {
            await PublishAsync(image, app, Directory.CreateDirectory(Path.Combine(root, "publish-tmp")).FullName);
            // Dynamic PGO recompiles every hot precompiled method twice: off, serve's CPU per version falls by a
            // third in a fresh process (docs/benchmarks.md, cost of a version).
            JsonNode? runtimeConfig = JsonNode.Parse(File.ReadAllText(Path.Combine(app, "kvrep.runtimeconfig.json")));
            Assert.Equal(false, runtimeConfig?["runtimeOptions"]?["configProperties"]?["System.Runtime.TieredPGO"]?.GetValue<bool>());
            // What the image user sees in a pod with readOnlyRootFilesystem: the app and its home readable only,
            // and a writable /tmp (the chart's emptyDir).
            MakeReadOnly(app);
            string home = Directory.CreateDirectory(Path.Combine(root, "home")).FullName;
            MakeReadOnly(home);
            string tmp = Directory.CreateDirectory(Path.Combine(root, "tmp")).FullName;
            File.SetUnixFileMode(tmp, WorldWritableSticky);
            File.SetUnixFileMode(root, ReadOnlyDirectory | UnixFileMode.UserWrite);

            await using LocalCloudEnvironment cloud = await LocalCloudEnvironment.StartAsync(
                moto: await SharedEmulators.MotoAsync(), azurite: await SharedEmulators.AzuriteAsync());
            await using LocalManagedIdentityEndpoint identity = await LocalManagedIdentityEndpoint.StartAsync();
            string deliveryKey = SecretLeakGuard.Register(RandomNumberGenerator.GetHexString(64, lowercase: true));
            string prefix = SharedEmulators.UniqueName("image") + "/";
            int port = FreePort.Next();

            Dictionary<string, string> environment = ContainerEnvironment(image, port, home, tmp);
            foreach ((string setting, string? settingValue) in cloud.ReplicatorSettings(prefix, SharedEmulators.UniqueName("image-ledger")))
            {
                environment[setting.Replace(":", "__", StringComparison.Ordinal)] = settingValue ?? string.Empty;
            }

            environment["KvReplicator__Credentials__Source"] = "WebIdentity";
            environment["KvReplicator__Credentials__WebIdentity__RoleArn"] = LocalDeployment.LocalRoleArn;
            environment["KvReplicator__Credentials__WebIdentity__Region"] = LocalCloudEnvironment.Region;
            environment["KvReplicator__Credentials__WebIdentity__StsEndpoint"] = cloud.Moto.Endpoint.ToString();
            environment["KvReplicator__Serve__DeliveryKey"] = deliveryKey;
            // Registers serve's own reconcile schedule (once a year: it must not fire during the test).
            environment["KvReplicator__Reconcile__Schedule"] = "0 0 3 1 1 *";
            environment["IDENTITY_ENDPOINT"] = identity.Endpoint.ToString();
            environment["IDENTITY_HEADER"] = identity.Header;

            await using var serve = ContainerProcess.Start(image, app, environment);
            var baseAddress = new Uri($"http://127.0.0.1:{port}/");
            await serve.WaitUntilReadyAsync(new Uri(baseAddress, "/readyz"), s_wait);

            await cloud.EventGrid.AddSubscriptionAsync(new LocalEventSubscription
            {
                Name = "published-serve",
                Endpoint = new Uri(baseAddress, "/api/events"),
                Headers = new Dictionary<string, string> { ["X-Kvrep-Key"] = deliveryKey },
            });
            string name = SharedEmulators.UniqueName("from-image");
            string value = SecretLeakGuard.Register("published-" + RandomNumberGenerator.GetHexString(24, lowercase: true));
            KeyVaultSecret written = await cloud.CreateSecretClient().SetSecretAsync(name, value);
            await cloud.WhenDeliveredAsync().WaitAsync(s_wait);

            Assert.True(cloud.EventGrid.Counters.Delivered == 1, $"Event Grid counters: {cloud.EventGrid.Counters}; serve said:\n{serve.Output}");
            GetSecretValueResponse replicated = await cloud.CreateSecretsManagerClient().GetSecretValueAsync(new GetSecretValueRequest { SecretId = prefix + name });
            Assert.Equal(written.Properties.Version, replicated.VersionId);
            Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(value)), SHA256.HashData(Encoding.UTF8.GetBytes(replicated.SecretString!.Reveal())));
            Assert.Contains("https://vault.azure.net", identity.Resources);
            Assert.Contains("api://AzureADTokenExchange", identity.Resources);

            // Kubernetes stops a pod with SIGTERM: serve drains and exits cleanly.
            int exitCode = await serve.TerminateAsync(s_wait);
            Assert.True(exitCode == ExitCodes.Success, $"exit {exitCode}; serve said:\n{serve.Output}");
        }
        finally
        {
            MakeWritable(root);
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>The Dockerfile's publish command, with the output redirected to the test's directory.</summary>
    /// <param name="temp">The publish's own temp folder (NuGet's scratch files land there), removed with the test's root.</param>
    private static async Task PublishAsync(ServeImageDefinition image, string output, string temp)
    {
        List<string> arguments = [.. image.PublishArguments];
        arguments[arguments.IndexOf(image.PublishOutput)] = output;
        // Leaves no MSBuild or compiler server running after the test.
        arguments.Add("--disable-build-servers");

        var start = new ProcessStartInfo(DotnetHost(), arguments)
        {
            WorkingDirectory = ServeImageDefinition.RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["TMPDIR"] = temp },
        };
        using Process publish = Process.Start(start)!;
        Task<string> stdout = publish.StandardOutput.ReadToEndAsync();
        Task<string> stderr = publish.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(s_publishTimeout);
        await publish.WaitForExitAsync(timeout.Token);
        Assert.True(publish.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} failed:\n{await stdout}\n{await stderr}");
        Assert.True(File.Exists(Path.Combine(output, image.Entrypoint[1])), $"{image.Entrypoint[1]} is not in the published directory");
    }

    /// <summary>The image's ENV with the port moved off 8080, plus what a container has: a PATH, a read-only home and a writable /tmp.</summary>
    private static Dictionary<string, string> ContainerEnvironment(ServeImageDefinition image, int port, string home, string tmp)
    {
        var environment = new Dictionary<string, string>(image.Environment, StringComparer.Ordinal)
        {
            ["ASPNETCORE_HTTP_PORTS"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PATH"] = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            ["HOME"] = home,
            ["TMPDIR"] = tmp,
        };
        return environment;
    }

    /// <summary>The <c>dotnet</c> that runs this test (the image's runtime is the same major version).</summary>
    internal static string DotnetHost() =>
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", "..", "dotnet");

    private const UnixFileMode ReadOnlyDirectory =
        UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode WorldWritableSticky =
        ReadOnlyDirectory | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit;

    /// <summary>Readable by everyone (the image user is not the owner), writable by no one but root.</summary>
    private static void MakeReadOnly(string directory)
    {
        foreach (string file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).ToArray())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead
                | (File.GetUnixFileMode(file) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)));
        }

        foreach (string sub in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories).Append(directory).ToArray())
        {
            File.SetUnixFileMode(sub, ReadOnlyDirectory);
        }
    }

    private static void MakeWritable(string directory)
    {
        if (!Directory.Exists(directory))
        {
            return;
        }

        foreach (string sub in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories).Prepend(directory))
        {
            File.SetUnixFileMode(sub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
