using System.Security.Cryptography;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.SecretsManager.Model;
using KvReplicator.TestPlan.Statistics;
using KvReplicator.TestPlan.Targets;
using KvReplicator.TestPlan.Values;

namespace KvReplicator.TestPlan.Replication;

/// <summary>
/// Test case 1, and all of <c>kvrep-dev demo</c>: writes random secrets with random versions to Key Vault, watches
/// Secrets Manager until every version has arrived (or the timeout), then verifies each version by SHA-256, the
/// AWSCURRENT label, and that no version was written twice.
/// </summary>
public sealed class ReplicationScenario
{
    private readonly TestPlanTarget _target;
    private readonly SecretsManagerProbe _probe;
    private readonly TimeProvider _time;

    public ReplicationScenario(TestPlanTarget target, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        _target = target;
        _probe = new SecretsManagerProbe(target.Aws);
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The secrets of the last run, for cleanup.</summary>
    public IReadOnlyList<WrittenSecret> Written { get; private set; } = [];

    public async Task<ReplicationReport> RunAsync(ReplicationScenarioOptions options, IProgress<ReplicationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int seed = options.Seed ?? RandomNumberGenerator.GetInt32(int.MaxValue);
        var random = new Random(seed);
        var generator = new SecretValueGenerator(random);
        string runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));

        // All values are drawn up front, in order, so a seed reproduces them whatever the write concurrency.
        var plan = new List<(WrittenSecret Secret, GeneratedValue[] Values)>();
        for (int i = 0; i < options.Secrets; i++)
        {
            string name = $"{options.NamePrefix}-{runId}-{i + 1:D3}";
            int versions = options.ExactVersions ? options.MaxVersions : random.Next(1, options.MaxVersions + 1);
            GeneratedValue[] values = [.. Enumerable.Range(0, versions).Select(_ => generator.Next())];
            plan.Add((new WrittenSecret(name, _target.TargetName(name)), values));
        }

        Written = [.. plan.Select(p => p.Secret)];
        int planned = plan.Sum(p => p.Values.Length);
        long started = _time.GetTimestamp();

        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stopWatching.CancelAfter(options.Timeout);
        Task watching = WatchAsync(Written, planned, options, progress, stopWatching.Token);
        try
        {
            await Parallel.ForEachAsync(
                plan,
                new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
                async (item, token) => await WriteAsync(item.Secret, item.Values, token).ConfigureAwait(false)).ConfigureAwait(false);
        }
        catch
        {
            // A failed write must not leave the watcher polling until the timeout.
            await stopWatching.CancelAsync().ConfigureAwait(false);
            await watching.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
            throw;
        }

        try
        {
            await watching.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Timed out: what has not arrived is reported as lost.
        }

        return await VerifyAsync(Written, seed, _time.GetElapsedTime(started), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes one more version of a secret (for the cases that follow up a run) and records it.</summary>
    internal async Task<WrittenVersion> WriteVersionAsync(WrittenSecret secret, GeneratedValue value, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(value);
        KeyVaultSecret written = await _target.Vault.SetSecretAsync(secret.Name, value.Value.Reveal(), cancellationToken).ConfigureAwait(false);
        var version = new WrittenVersion(written.Properties.Version, value.Value.Sha256Hex(), value.Utf8Length, value.Format, _time.GetUtcNow());
        secret.Add(version);
        return version;
    }

    /// <summary>Polls until every written version of <paramref name="secrets"/> is in Secrets Manager and AWSCURRENT is on the latest.</summary>
    public async Task WatchAsync(IReadOnlyList<WrittenSecret> secrets, int planned, ReplicationScenarioOptions options, IProgress<ReplicationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(options);
        var done = new HashSet<WrittenSecret>();
        while (true)
        {
            WrittenSecret[] pending = [.. secrets.Where(s => !done.Contains(s) && s.Versions.Count > 0)];
            var finished = new System.Collections.Concurrent.ConcurrentBag<WrittenSecret>();

            // Polls are cheap reads; more of them at once keep a round (the lag's resolution) short.
            await Parallel.ForEachAsync(
                pending,
                new ParallelOptions { MaxDegreeOfParallelism = Math.Max(8, options.Concurrency), CancellationToken = cancellationToken },
                async (secret, token) =>
                {
                    if (await PollAsync(secret, token).ConfigureAwait(false))
                    {
                        finished.Add(secret);
                    }
                }).ConfigureAwait(false);
            done.UnionWith(finished);

            int written = secrets.Sum(s => s.Versions.Count);
            int seen = secrets.Sum(s => s.Versions.Count(v => v.SeenInAwsAt is not null));
            progress?.Report(new ReplicationProgress(written, seen, planned));
            if (done.Count == secrets.Count)
            {
                return;
            }

            await Task.Delay(options.PollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<ReplicationReport> VerifyAsync(IReadOnlyList<WrittenSecret> secrets, int seed, TimeSpan elapsed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        var reports = new SecretReport[secrets.Count];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, secrets.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, token) => reports[i] = await VerifySecretAsync(secrets[i], token).ConfigureAwait(false)).ConfigureAwait(false);
        LagSummary lag = LagSummary.From(secrets.SelectMany(s => s.Versions).Select(v => v.Lag).OfType<TimeSpan>());
        return new ReplicationReport(reports, lag, elapsed, seed);
    }

    /// <summary>Verifies one secret against what was written: every version present with its value, nothing extra, AWSCURRENT on the latest.</summary>
    public async Task<SecretReport> VerifySecretAsync(WrittenSecret secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        IReadOnlyList<WrittenVersion> versions = secret.Versions;
        IReadOnlyList<SecretVersionsListEntry> inAws = await _probe.ListVersionsAsync(secret.TargetName, cancellationToken).ConfigureAwait(false);
        var awsIds = inAws.Where(v => v.VersionId is not null).Select(v => v.VersionId!).ToHashSet(StringComparer.Ordinal);
        DateTimeOffset now = _time.GetUtcNow();
        int replicated = 0, lost = 0, mismatched = 0;
        foreach (WrittenVersion version in versions)
        {
            if (!awsIds.Contains(version.Version))
            {
                lost++;
                continue;
            }

            version.MarkSeen(now); // arrived after the last poll; its lag is an upper bound
            (string VersionId, string Sha256Hex)? hash = await _probe.GetHashAsync(secret.TargetName, versionId: version.Version, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (hash is { } found && string.Equals(found.Sha256Hex, version.Sha256Hex, StringComparison.Ordinal))
            {
                replicated++;
            }
            else
            {
                mismatched++;
            }
        }

        // Every AWS version carries its Key Vault version id; any other id is a second write of something.
        int duplicates = awsIds.Count(id => !versions.Any(v => string.Equals(v.Version, id, StringComparison.Ordinal)));
        WrittenVersion? latest = versions.Count == 0 ? null : versions[^1];
        (string VersionId, string Sha256Hex)? current = await _probe.GetHashAsync(secret.TargetName, stage: "AWSCURRENT", cancellationToken: cancellationToken).ConfigureAwait(false);
        bool currentMatches = latest is not null && current is { } c
            && string.Equals(c.VersionId, latest.Version, StringComparison.Ordinal)
            && string.Equals(c.Sha256Hex, latest.Sha256Hex, StringComparison.Ordinal);
        string? previous = inAws.FirstOrDefault(v => v.VersionStages?.Contains("AWSPREVIOUS") == true)?.VersionId;
        TimeSpan[] lags = [.. versions.Select(v => v.Lag).OfType<TimeSpan>()];
        return new SecretReport(
            secret.Name,
            secret.TargetName,
            versions.Count,
            replicated,
            lost,
            mismatched,
            duplicates,
            currentMatches,
            current?.VersionId,
            previous,
            lags.Length == 0 ? null : lags.Max().TotalMilliseconds,
            [.. versions.Select(v => v.Format.ToString().ToLowerInvariant()).Distinct()],
            versions.Count == 0 ? 0 : versions.Max(v => v.Utf8Length));
    }

    private async Task WriteAsync(WrittenSecret secret, GeneratedValue[] values, CancellationToken cancellationToken)
    {
        foreach (GeneratedValue value in values)
        {
            await WriteVersionAsync(secret, value, cancellationToken).ConfigureAwait(false);
        }

        secret.CompleteWriting();
    }

    private async Task<bool> PollAsync(WrittenSecret secret, CancellationToken cancellationToken)
    {
        bool complete = secret.WritingComplete;
        IReadOnlyList<WrittenVersion> versions = secret.Versions;
        IReadOnlyList<SecretVersionsListEntry> inAws = await _probe.ListVersionsAsync(secret.TargetName, cancellationToken).ConfigureAwait(false);
        DateTimeOffset now = _time.GetUtcNow();
        foreach (SecretVersionsListEntry entry in inAws)
        {
            versions.FirstOrDefault(v => string.Equals(v.Version, entry.VersionId, StringComparison.Ordinal))?.MarkSeen(now);
        }

        string? current = inAws.FirstOrDefault(v => v.VersionStages?.Contains("AWSCURRENT") == true)?.VersionId;
        return complete
            && versions.All(v => v.SeenInAwsAt is not null)
            && string.Equals(current, versions[^1].Version, StringComparison.Ordinal);
    }
}
