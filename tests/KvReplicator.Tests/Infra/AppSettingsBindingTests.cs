using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using KvReplicator.Credentials;
using KvReplicator.DeadLettering;
using KvReplicator.KeyVault;
using KvReplicator.Ledger;
using KvReplicator.Notifications;
using KvReplicator.Reconciliation;
using KvReplicator.Replication;
using KvReplicator.SecretsManager;
using KvReplicator.Throttling;

namespace KvReplicator.Tests.Infra;

/// <summary>
/// Every <c>KvReplicator__…</c> app setting that the deployment (infra/) or the example settings file names
/// must bind to a property of the options class the core reads. A misspelt or renamed setting would
/// otherwise be silently ignored in production and the replicator would run on a default.
/// </summary>
public sealed partial class AppSettingsBindingTests
{
    private static readonly Dictionary<string, Type> s_sections = new(StringComparer.OrdinalIgnoreCase)
    {
        ["AzureCredential"] = typeof(KvReplicator.AzureIdentity.AzureCredentialOptions),
        ["KeyVault"] = typeof(KeyVaultOptions),
        ["Ledger"] = typeof(LedgerOptions),
        ["DeadLetter"] = typeof(DeadLetterOptions),
        ["SecretsManager"] = typeof(SecretsManagerOptions),
        ["Replication"] = typeof(ReplicationOptions),
        ["Credentials"] = typeof(CredentialsOptions),
        ["Reconcile"] = typeof(ReconcileOptions),
        ["Coalescing"] = typeof(CoalescingOptions),
        ["WriteRateLimit"] = typeof(WriteRateLimitOptions),
        ["Notifications"] = typeof(NotificationOptions),
        ["Serve"] = typeof(KvReplicator.Cli.Serve.ServeOptions),
        ["Vaults"] = typeof(IList<KvReplicator.DependencyInjection.VaultRouteOptions>),
        ["Targets"] = typeof(IList<KvReplicator.DependencyInjection.TargetRouteOptions>),
    };

    public static TheoryData<string, string> Settings()
    {
        var data = new TheoryData<string, string>();
        string example = Path.Combine(RepositoryLayout.Root, "src", "KvReplicator.Functions", "local.settings.json.example");
        using (JsonDocument document = JsonDocument.Parse(File.ReadAllText(example)))
        {
            foreach (JsonProperty setting in document.RootElement.GetProperty("Values").EnumerateObject().Where(p => p.Name.StartsWith("KvReplicator__", StringComparison.Ordinal)))
            {
                data.Add("local.settings.json.example", setting.Name);
            }
        }

        // The sample kvrep.json of each verb (deploy/examples), flattened the way configuration reads it.
        foreach (string file in Directory.GetFiles(Path.Combine(RepositoryLayout.Root, "deploy", "examples"), "*.json"))
        {
            using JsonDocument sample = JsonDocument.Parse(File.ReadAllText(file));
            foreach (string setting in Flatten("KvReplicator", sample.RootElement.GetProperty("KvReplicator")))
            {
                data.Add(Path.GetFileName(file), setting);
            }
        }

        foreach (string file in Directory.GetFiles(RepositoryLayout.InfraDirectory, "*.tf"))
        {
            foreach (Match match in TerraformSettingName().Matches(File.ReadAllText(file)))
            {
                data.Add(Path.GetFileName(file), match.Groups["name"].Value);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Setting_binds_to_an_options_property(string file, string setting)
    {
        string[] path = setting.Split("__")[1..];

        Assert.True(s_sections.TryGetValue(path[0], out Type? type), $"{file}: {setting} names no KvReplicator section");
        foreach (string segment in path[1..])
        {
            if (type is not null && segment is "${i}" or "<n>" || int.TryParse(segment, out _))
            {
                Assert.True(type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type), $"{file}: {setting} indexes a setting that is not a list");
                type = type!.IsGenericType ? type.GetGenericArguments()[0] : typeof(object);
                continue;
            }

            PropertyInfo? property = type!.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            Assert.True(property is { CanWrite: true } || property?.PropertyType.IsClass == true && property.PropertyType != typeof(string),
                $"{file}: {setting} — {type.Name} has no settable property '{segment}'");
            type = property!.PropertyType;
        }
    }

    private static IEnumerable<string> Flatten(string prefix, JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Flatten($"{prefix}__{p.Name}", p.Value)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((item, i) => Flatten($"{prefix}__{i}", item)),
        _ => [prefix],
    };

    [GeneratedRegex("\"(?<name>KvReplicator__[A-Za-z0-9_${}]+)\"")]
    private static partial Regex TerraformSettingName();
}
