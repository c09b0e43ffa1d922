using KvReplicator.Events;
using KvReplicator.Ledger;
using KvReplicator.Notifications;
using KvReplicator.Replication;
using KvReplicator.Testing;
using KvReplicator.Tests.Fakes;
using Microsoft.Extensions.Options;

namespace KvReplicator.Tests.Replication;

/// <summary>
/// The replicator's world in memory: one Key Vault, one Secrets Manager and one ledger shared by every
/// "process" (<see cref="NewProcess"/>), and a fake clock. Versions are created at <see cref="Epoch"/> plus
/// a number of seconds, and named by that number.
/// </summary>
internal sealed class ReplicationTestBed
{
    public const string Vault = InMemorySecretSource.DefaultVault;
    public const string Prefix = "kv/";

    /// <summary>When the test's Key Vault versions are created; the clock starts an hour later.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

    public InMemorySecretSource Source { get; } = new(Vault);

    public InMemorySecretsManager Target { get; } = new();

    public InMemoryReplicationLedger Ledger { get; } = new();

    public TimerWatchingTimeProvider Clock { get; } = new(Epoch.AddHours(1));

    public RecordingNotifier Notifier { get; } = new();

    public CapturedLogs Logs { get; } = new();

    public ReplicationOptions Options { get; } = new() { TargetPrefix = Prefix };

    /// <summary>A version id that sorts like its number: <c>Id(2)</c> is <c>000…02</c>.</summary>
    public static string Id(int number) => number.ToString("x32", System.Globalization.CultureInfo.InvariantCulture);

    public static string ValueOf(string secretName, int number) => $"value {number} of {secretName}";

    /// <summary>Creates version <paramref name="number"/> of a secret, <paramref name="number"/> seconds after <see cref="Epoch"/> unless <paramref name="created"/> says otherwise.</summary>
    public string Create(string secretName, int number, DateTimeOffset? created = null, bool enabled = true, IReadOnlyDictionary<string, string>? tags = null) =>
        Source.Add(secretName, Id(number), ValueOf(secretName, number), created ?? Epoch.AddSeconds(number), enabled, tags).Version;

    public static SecretVersionRef Ref(string secretName, string version) => new(Vault, secretName, version);

    /// <summary>A replicator as a freshly started process has it: nothing in memory, the stores shared.</summary>
    public SecretReplicator NewProcess(VersionCoalescer? coalescer = null) =>
        new(Source, Target, Ledger, Microsoft.Extensions.Options.Options.Create(Options), Logs.CreateLogger<SecretReplicator>(), coalescer, Notifier, Clock);

    public VersionCoalescer Coalescer(int threshold) =>
        new(Microsoft.Extensions.Options.Options.Create(new CoalescingOptions { RecentVersionThreshold = threshold }), Clock);

    public SecretLedgerState? LedgerState(string secretName) => Ledger.StateOf(Vault, secretName);

    /// <summary>Asserts that AWSCURRENT and AWSPREVIOUS of a target only ever moved to newer versions.</summary>
    public void AssertStagesNeverMovedBack(string targetName)
    {
        AssertIncreasing(Target.CurrentHistory(targetName), "AWSCURRENT");
        AssertIncreasing(Target.PreviousHistory(targetName), "AWSPREVIOUS");
    }

    // Ids sort as the versions were created (see Id).
    private static void AssertIncreasing(IReadOnlyList<string> history, string stage)
    {
        for (int i = 1; i < history.Count; i++)
        {
            Assert.True(string.CompareOrdinal(history[i - 1], history[i]) < 0, $"{stage} moved back from {history[i - 1]} to {history[i]}: {string.Join(" → ", history)}");
        }
    }

    /// <summary>Records the notifications sent, and fails them on request.</summary>
    internal sealed class RecordingNotifier : IReplicationNotifier
    {
        private readonly List<ReplicationNotification> _sent = [];

        public Exception? Failure { get; set; }

        public Action? OnNotify { get; set; }

        public IReadOnlyList<ReplicationNotification> Sent
        {
            get
            {
                lock (_sent)
                {
                    return [.. _sent];
                }
            }
        }

        public Task NotifyAsync(ReplicationNotification notification, CancellationToken cancellationToken = default)
        {
            OnNotify?.Invoke();
            if (Failure is { } failure)
            {
                return Task.FromException(failure);
            }

            lock (_sent)
            {
                _sent.Add(notification);
            }

            return Task.CompletedTask;
        }
    }
}
