using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using KvReplicator.Credentials;
using KvReplicator.Diagnostics;
using KvReplicator.SecretsManager;
using KvReplicator.Throttling;
using Microsoft.Extensions.Configuration;

namespace KvReplicator.DependencyInjection;

/// <summary>
/// Which AWS write quota (<see cref="WriteQuota"/>: account and Region) each target's writes count against, the
/// write rate limit each quota gets, and one <see cref="WriteRateLimiter"/> per quota: AWS allows 50 write calls a
/// second per account and Region, so targets in different accounts or Regions never wait for each other, while
/// targets in one account and Region stay within one limit together.
/// </summary>
/// <remarks>
/// The account is read from the settings, so no call is made to learn it: a target's <c>AccountId</c>, else the
/// account of the role its credentials assume (Roles Anywhere or web identity). A target whose account the settings
/// do not tell (the SDK's default credentials) could be in any account, so every target of its Region shares one
/// quota: the Region's, on the safe side. A quota's limit is <c>KvReplicator:WriteRateLimit</c>, or the
/// <c>WriteRateLimit</c> one of its targets sets (keys it leaves out keep the deployment's values).
/// </remarks>
internal sealed class TargetWriteQuotas
{
    private readonly IReadOnlyDictionary<string, TargetWriteQuota> _byTarget;
    private readonly ConcurrentDictionary<WriteQuota, WriteRateLimiter> _limiters = new();
    private readonly TimeProvider _timeProvider;

    private TargetWriteQuotas(IReadOnlyList<TargetWriteQuota> targets, IReadOnlyList<string> failures, TimeProvider timeProvider)
    {
        Targets = targets;
        Failures = failures;
        // Ids used twice are the routes validator's to report; the first keeps its quota meanwhile.
        _byTarget = targets.DistinctBy(target => target.TargetId, StringComparer.OrdinalIgnoreCase).ToDictionary(target => target.TargetId, StringComparer.OrdinalIgnoreCase);
        _timeProvider = timeProvider;
    }

    /// <summary>Every target's quota and limit, in configuration order; the single target of <c>KvReplicator:SecretsManager</c> is <c>default</c>.</summary>
    public IReadOnlyList<TargetWriteQuota> Targets { get; }

    /// <summary>The settings' mistakes, one sentence each naming the key: a target's <c>WriteRateLimit</c> out of range or at odds with another target's of the same quota.</summary>
    public IReadOnlyList<string> Failures { get; }

    /// <summary>The target's quota and limit.</summary>
    public TargetWriteQuota Of(string targetId) => _byTarget[targetId];

    /// <summary>The limiter of the target's quota: the same instance for every target of that quota.</summary>
    public WriteRateLimiter LimiterOf(string targetId)
    {
        TargetWriteQuota target = Of(targetId);
        return _limiters.GetOrAdd(target.Quota, quota => new WriteRateLimiter(target.Limit, _timeProvider, quota));
    }

    /// <summary>
    /// The quotas of the listed targets (<c>KvReplicator:Targets</c>), or of the single target of
    /// <c>KvReplicator:SecretsManager</c> when none is listed.
    /// </summary>
    /// <param name="deploymentCredentials">The deployment's <c>KvReplicator:Credentials</c>, which a target without its own uses.</param>
    internal static TargetWriteQuotas Create(
        IConfiguration configuration, ReplicationRoutesOptions routes, CredentialsOptions deploymentCredentials, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(deploymentCredentials);
        ArgumentNullException.ThrowIfNull(timeProvider);

        List<(string Id, string Key, string Region, string? Account)> targets = routes.Targets.Count == 0
            ? [(TelemetryNames.DefaultTarget, SecretsManagerOptions.SectionName, configuration[$"{SecretsManagerOptions.SectionName}:Region"] ?? string.Empty,
                AccountOf(null, deploymentCredentials))]
            : [.. routes.Targets.Select((target, index) => (
                target.Id ?? string.Empty,
                $"{ReplicationRoutesOptions.SectionName}:{nameof(ReplicationRoutesOptions.Targets)}:{index}",
                target.SecretsManager.Region ?? string.Empty,
                AccountOf(target.AccountId, target.Credentials ?? deploymentCredentials)))];

        // A target of unknown account may share its account with any other target of its Region.
        HashSet<string> regionsWithUnknownAccount = [.. targets.Where(target => target.Account is null).Select(target => target.Region.ToLowerInvariant())];
        var quotas = targets.Select(target =>
        {
            string region = target.Region.ToLowerInvariant();
            return new WriteQuota(regionsWithUnknownAccount.Contains(region) ? null : target.Account, region);
        }).ToList();

        var failures = new List<string>();
        WriteRateLimitOptions deploymentLimit = Bound(configuration, WriteRateLimitOptions.SectionName, new WriteRateLimitOptions());
        var limits = new Dictionary<WriteQuota, (WriteRateLimitOptions Limit, string? Key)>();
        for (int i = 0; i < targets.Count; i++)
        {
            string key = $"{targets[i].Key}:WriteRateLimit";
            if (routes.Targets.Count == 0 || !configuration.GetSection(key).GetChildren().Any())
            {
                continue;
            }

            // The target's own keys alone are checked here; the deployment's are checked with their section.
            AddAnnotationFailures(Bound(configuration, key, new WriteRateLimitOptions()), key, failures);
            WriteRateLimitOptions limit = Bound(configuration, key, Bound(configuration, WriteRateLimitOptions.SectionName, new WriteRateLimitOptions()));
            if (!limits.TryGetValue(quotas[i], out (WriteRateLimitOptions Limit, string? Key) first))
            {
                limits[quotas[i]] = (limit, key);
            }
            else if (!SameLimit(first.Limit, limit))
            {
                failures.Add($"{key} differs from {first.Key}, yet both targets write against the quota of {quotas[i]} and share its limit: set it on one of them, or the same on both.");
            }
        }

        List<TargetWriteQuota> result = [.. targets.Select((target, i) => new TargetWriteQuota(
            target.Id,
            quotas[i],
            limits.TryGetValue(quotas[i], out (WriteRateLimitOptions Limit, string? Key) own) ? own.Limit : deploymentLimit,
            own.Key ?? WriteRateLimitOptions.SectionName,
            [.. targets.Where((other, j) => j != i && quotas[j] == quotas[i]).Select(other => other.Id)]))];
        return new TargetWriteQuotas(result, failures, timeProvider);
    }

    /// <summary>The account a target writes to as far as its settings tell: its <c>AccountId</c>, else the account of the role its credentials assume; null when neither says.</summary>
    internal static string? AccountOf(string? accountId, CredentialsOptions credentials) =>
        !string.IsNullOrWhiteSpace(accountId) ? accountId.Trim() : RoleAccount(credentials);

    /// <summary>The account of the role the credentials assume (<c>arn:aws:iam::&lt;account&gt;:role/…</c>); null for the SDK's default credentials, whose account only AWS knows.</summary>
    internal static string? RoleAccount(CredentialsOptions credentials)
    {
        string? roleArn = credentials.Source switch
        {
            CredentialSourceKind.RolesAnywhere or CredentialSourceKind.SigningHelper => credentials.RolesAnywhere.RoleArn,
            CredentialSourceKind.WebIdentity => credentials.WebIdentity.RoleArn,
            _ => null,
        };
        string[] parts = roleArn?.Split(':') ?? [];
        return parts.Length >= 6 && parts[2] == "iam" && parts[4].Length == 12 && parts[4].All(char.IsAsciiDigit) ? parts[4] : null;
    }

    private static WriteRateLimitOptions Bound(IConfiguration configuration, string key, WriteRateLimitOptions options)
    {
        configuration.GetSection(key).Bind(options);
        return options;
    }

    private static bool SameLimit(WriteRateLimitOptions one, WriteRateLimitOptions other) =>
        one.PermitsPerSecond == other.PermitsPerSecond && one.Burst == other.Burst && one.MaxWait == other.MaxWait;

    private static void AddAnnotationFailures(WriteRateLimitOptions options, string key, List<string> failures)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            // The options' messages name the deployment's keys; a target's are its own.
            failures.AddRange(results.Select(result => (result.ErrorMessage ?? $"{key}: invalid value").Replace(WriteRateLimitOptions.SectionName, key, StringComparison.Ordinal)));
        }
    }
}
