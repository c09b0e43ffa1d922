using KvReplicator.TestPlan.Replication;
using KvReplicator.TestPlan.Targets;
using KvReplicator.TestPlan.Values;

namespace KvReplicator.TestPlan.Cases;

/// <summary>What the cases share: the target, the options, one scenario (so cleanup sees every secret) and case 1's report.</summary>
public sealed class TestPlanContext
{
    private readonly List<WrittenSecret> _created = [];
    private readonly Lock _sync = new();

    public TestPlanContext(TestPlanTarget target, TestPlanOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(options);
        Target = target;
        Options = options;
        Time = timeProvider ?? TimeProvider.System;
        Scenario = new ReplicationScenario(target, Time);
        RunId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4));
        Values = new SecretValueGenerator(new Random(options.Replication.Seed ?? System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue)));
    }

    public TestPlanTarget Target { get; }

    public TestPlanOptions Options { get; }

    public TimeProvider Time { get; }

    public ReplicationScenario Scenario { get; }

    public SecretValueGenerator Values { get; }

    public string RunId { get; }

    /// <summary>Case 1's report, which case 5 reads its lag from.</summary>
    public ReplicationReport? ReplicationReport { get; set; }

    public IReadOnlyList<WrittenSecret> Created
    {
        get
        {
            lock (_sync)
            {
                return [.. _created];
            }
        }
    }

    /// <summary>A new secret of this run, named after the case, remembered for cleanup.</summary>
    public WrittenSecret NewSecret(string stem)
    {
        string name = $"{Options.Replication.NamePrefix}-{RunId}-{stem}";
        var secret = new WrittenSecret(name, Target.TargetName(name));
        Remember([secret]);
        return secret;
    }

    public void Remember(IEnumerable<WrittenSecret> secrets)
    {
        lock (_sync)
        {
            _created.AddRange(secrets);
        }
    }

    /// <summary>Writes one random version and waits until Secrets Manager has it with AWSCURRENT on it.</summary>
    public async Task<WrittenVersion> WriteAndWaitAsync(WrittenSecret secret, CancellationToken cancellationToken = default)
    {
        WrittenVersion version = await Scenario.WriteVersionAsync(secret, Values.Next(), cancellationToken).ConfigureAwait(false);
        secret.CompleteWriting();
        await WaitAsync([secret], cancellationToken).ConfigureAwait(false);
        return version;
    }

    /// <summary>Waits (up to the replication timeout) until every written version is in Secrets Manager and AWSCURRENT is on the latest.</summary>
    public async Task<bool> WaitAsync(IReadOnlyList<WrittenSecret> secrets, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Options.Replication.Timeout);
        try
        {
            await Scenario.WatchAsync(secrets, secrets.Sum(s => s.Versions.Count), Options.Replication, null, timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
