using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using KvReplicator.SecretsManager;
using Microsoft.Extensions.DependencyInjection;

namespace KvReplicator.IntegrationTests.Replication;

/// <summary>
/// In front of every Secrets Manager client of the replicator: while <see cref="Down"/> names a region, requests
/// signed for that region fail as a dropped connection does, before they reach moto. Counts, per region, the
/// version writes moto answered with success (by the version id each carries), so a test can tell a version
/// written twice from one written once.
/// </summary>
internal sealed partial class RegionOutageHandler : DelegatingHandler
{
    private static readonly HashSet<string> s_versionWrites = new(StringComparer.Ordinal) { "PutSecretValue", "CreateSecret" };

    private readonly ConcurrentDictionary<(string Region, string Version), int> _written = new();
    private int _refused;

    /// <summary>The region whose requests fail, or null when every region answers.</summary>
    public string? Down { get; set; }

    /// <summary>Requests refused by the outage.</summary>
    public int Refused => Volatile.Read(ref _refused);

    public void AddTo(IServiceCollection services) =>
        services.AddHttpClient(SecretsManagerClient.HttpClientName).AddHttpMessageHandler(() => this);

    /// <summary>How many times moto accepted a write of <paramref name="version"/> in <paramref name="region"/>.</summary>
    public int Writes(string region, string version) => _written.GetValueOrDefault((region, version));

    /// <summary>Every version write moto accepted in <paramref name="region"/>.</summary>
    public int Writes(string region) => _written.Where(pair => pair.Key.Region == region).Sum(pair => pair.Value);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string region = RegionOf(request);
        if (Down is { } down && region == down)
        {
            Interlocked.Increment(ref _refused);
            throw new HttpRequestException($"connection refused by {down} (injected outage)");
        }

        string? operation = request.Headers.TryGetValues("X-Amz-Target", out IEnumerable<string>? targets) ? targets.First().Split('.').Last() : null;
        string? version = operation is not null && s_versionWrites.Contains(operation) && request.Content is not null
            ? await TokenOfAsync(request.Content, cancellationToken)
            : null;
        HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
        if (version is not null && response.IsSuccessStatusCode)
        {
            _written.AddOrUpdate((region, version), 1, (_, count) => count + 1);
        }

        return response;
    }

    /// <summary>The region of the request's SigV4 scope: <c>Credential=AKID/date/region/service/aws4_request</c>.</summary>
    private static string RegionOf(HttpRequestMessage request)
    {
        string authorization = request.Headers.TryGetValues("Authorization", out IEnumerable<string>? values) ? string.Join(' ', values) : string.Empty;
        Match scope = CredentialScope().Match(authorization);
        return scope.Success ? scope.Groups[1].Value : "-";
    }

    [GeneratedRegex(@"Credential=[^/]+/\d{8}/([a-z0-9-]+)/secretsmanager/")]
    private static partial Regex CredentialScope();

    private static async Task<string?> TokenOfAsync(HttpContent content, CancellationToken cancellationToken)
    {
        using JsonDocument body = JsonDocument.Parse(await content.ReadAsByteArrayAsync(cancellationToken));
        return body.RootElement.TryGetProperty("ClientRequestToken", out JsonElement token) && token.ValueKind == JsonValueKind.String ? token.GetString() : null;
    }
}
