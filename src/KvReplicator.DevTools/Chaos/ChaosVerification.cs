using KvReplicator.DevTools.Local;
using KvReplicator.KeyVault;
using KvReplicator.Ledger;
using KvReplicator.SecretsManager;
using KvReplicator.SecretsManager.Model;

namespace KvReplicator.DevTools.Chaos;

/// <summary>The final checks of a chaos run, against the stores themselves through clean clients.</summary>
internal sealed class ChaosVerification
{
    private readonly ChaosScenario _scenario;
    private readonly LocalCloudEnvironment _cloud;
    private readonly BlobReplicationLedger _ledger;
    private readonly string _prefix;
    private readonly HashSet<string> _deadLettered;
    private readonly List<string> _findings = [];
    private readonly Dictionary<string, string> _coalesced = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _recorded = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<(string SecretName, string Version)> _lost = [];
    private readonly List<(string SecretName, string Version)> _heldIntents = [];

    /// <param name="deadLetters">
    /// Versions Event Grid gave up on: missing from AWS, current or in flight for a known reason, until
    /// <c>kvrep replay</c> re-drives them; counted apart from silent losses.
    /// </param>
    public ChaosVerification(ChaosScenario scenario, LocalCloudEnvironment cloud, BlobReplicationLedger ledger, string prefix, IEnumerable<DeadLetter> deadLetters)
    {
        _scenario = scenario;
        _cloud = cloud;
        _ledger = ledger;
        _prefix = prefix;
        _deadLettered = deadLetters.Select(d => Key(d.SecretName, d.Version)).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Enabled versions missing from AWS that no dead letter accounts for.</summary>
    public int Lost { get; private set; }

    /// <summary>The versions counted in <see cref="Lost"/>.</summary>
    public IReadOnlyList<(string SecretName, string Version)> LostVersions => _lost;

    /// <summary>The versions a lock left held at the end planned to write.</summary>
    public IReadOnlyList<(string SecretName, string Version)> HeldIntents => _heldIntents;

    /// <summary>
    /// Superseded versions left out of AWS by design (docs/reliability.md §5): the ledger records each as
    /// coalesced into a newer version, which AWS holds.
    /// </summary>
    public int Coalesced { get; private set; }

    /// <summary>Enabled versions missing from AWS because Event Grid dead-lettered them.</summary>
    public int AwaitingReplay { get; private set; }

    public int Duplicated { get; private set; }

    public int WrongCurrent { get; private set; }

    public int WrongValues { get; private set; }

    public int MarkersInFlight { get; private set; }

    public int MarkersDone { get; private set; }

    public IReadOnlyList<string> Findings => _findings;

    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var records = new List<LedgerRecord>();
        await foreach (LedgerRecord record in _ledger.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(record);
            foreach (LedgerDoneVersion done in record.State?.Done ?? [])
            {
                if (done.CoalescedInto is not null)
                {
                    _coalesced[Key(record.Key.SecretName, done.Id)] = done.CoalescedInto;
                }

                _recorded[Key(record.Key.SecretName, done.Id)] = done.CoalescedInto is null ? "recorded written" : $"recorded coalesced into {done.CoalescedInto}";
            }
        }

        SecretsManagerClient aws = _cloud.CreateSecretsManagerClient();
        var source = new KeyVaultSecretSource(_cloud.CreateSecretClient(), _cloud.KeyVault.VaultName);
        foreach ((string name, List<CreatedVersion> created) in _scenario.Versions)
        {
            await CheckSecretAsync(aws, source, name, created, cancellationToken).ConfigureAwait(false);
        }

        foreach (LedgerRecord record in records)
        {
            MarkersDone += record.State?.Done.Count ?? 0;
            if (record.State?.Lock is { } held)
            {
                // Every crashed handler's delivery comes back and takes its expired lock over; one still held
                // at the end would block the secret until it expires.
                MarkersInFlight++;
                _heldIntents.AddRange(held.Intent.Select(write => (record.Key.SecretName, write.Id)));
                Find($"the lock on {record.Key} is left held by {held.Holder} (expires {held.Until:O}, planned writes: "
                    + $"{string.Join(", ", held.Intent.Select(write => $"{write.Id} as {write.Stage}"))})");
            }
        }
    }

    private async Task CheckSecretAsync(SecretsManagerClient aws, KeyVaultSecretSource source, string name, List<CreatedVersion> created, CancellationToken cancellationToken)
    {
        string targetName = _prefix + name;
        HashSet<string> inAws = await ListAwsVersionsAsync(aws, targetName, cancellationToken).ConfigureAwait(false);
        Dictionary<string, CreatedVersion> byVersion = created.ToDictionary(v => v.Version, StringComparer.OrdinalIgnoreCase);

        foreach (CreatedVersion version in created.Where(v => v.Enabled && !inAws.Contains(v.Version)))
        {
            if (_deadLettered.Contains(Key(name, version.Version)))
            {
                AwaitingReplay++;
                continue;
            }

            if (_coalesced.TryGetValue(Key(name, version.Version), out string? into) && inAws.Contains(into))
            {
                Coalesced++;
                continue;
            }

            Lost++;
            _lost.Add((name, version.Version));
            Find($"{name}/{version.Version} never reached Secrets Manager (ledger: {_recorded.GetValueOrDefault(Key(name, version.Version), "not recorded")})");
        }

        foreach (string awsVersion in inAws.Where(v => !byVersion.ContainsKey(v)))
        {
            Duplicated++;
            Find($"{targetName} holds version {awsVersion}, which is no Key Vault version of {name}");
        }

        foreach (string awsVersion in inAws.Where(byVersion.ContainsKey))
        {
            GetSecretValueResponse stored = await aws.GetSecretValueAsync(new GetSecretValueRequest { SecretId = targetName, VersionId = awsVersion }, cancellationToken).ConfigureAwait(false);
            if (stored.SecretString?.Reveal() != byVersion[awsVersion].Value)
            {
                WrongValues++;
                Find($"{targetName} version {awsVersion} does not hold its Key Vault value");
            }
        }

        string? latest = await source.GetLatestEnabledVersionAsync(name, cancellationToken).ConfigureAwait(false);
        if (latest is null || _deadLettered.Contains(Key(name, latest)))
        {
            return;
        }

        string? current = inAws.Count == 0 ? null
            : (await aws.GetSecretValueAsync(new GetSecretValueRequest { SecretId = targetName, VersionStage = "AWSCURRENT" }, cancellationToken).ConfigureAwait(false)).VersionId;
        if (!string.Equals(current, latest, StringComparison.OrdinalIgnoreCase))
        {
            WrongCurrent++;
            Find($"{targetName} AWSCURRENT is {current ?? "nothing"}, the newest enabled Key Vault version is {latest}");
        }
    }

    private static async Task<HashSet<string>> ListAwsVersionsAsync(SecretsManagerClient aws, string targetName, CancellationToken cancellationToken)
    {
        var versions = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        string? next = null;
        do
        {
            ListSecretVersionIdsResponse page;
            try
            {
                page = await aws.ListSecretVersionIdsAsync(new ListSecretVersionIdsRequest { SecretId = targetName, IncludeDeprecated = true, NextToken = next }, cancellationToken).ConfigureAwait(false);
            }
            catch (SecretsManagerException ex) when (ex.ErrorType == "ResourceNotFoundException")
            {
                return versions;
            }

            foreach (SecretVersionsListEntry entry in page.Versions)
            {
                versions.Add(entry.VersionId!);
            }

            next = page.NextToken;
        }
        while (!string.IsNullOrEmpty(next));
        return versions;
    }

    private static string Key(string name, string version) => $"{name}/{version}";

    private void Find(string finding)
    {
        if (_findings.Count < 20)
        {
            _findings.Add(finding);
        }
    }
}
