using Azure;
using Azure.Security.KeyVault.Secrets;
using KvReplicator.Replication;
using KvReplicator.TestPlan.Replication;

namespace KvReplicator.TestPlan.Cases;

/// <summary>Runs the six cases in order against a target, then removes what they created unless told to keep it.</summary>
public sealed class TestPlanRunner
{
    public static IReadOnlyList<ITestCase> AllCases { get; } =
        [new ReplicationCase(), new IdempotencyCase(), new ShortLivedCredentialsCase(), new VersionPropagationCase(), new LatencyCase(), new RecoveryCase()];

    private readonly TestPlanContext _context;
    private readonly TextWriter _log;

    /// <param name="log">Progress lines ("case 3: running"), for stderr.</param>
    public TestPlanRunner(TestPlanContext context, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        _context = context;
        _log = log ?? TextWriter.Null;
    }

    public async Task<TestPlanReport> RunAsync(IReadOnlyCollection<int>? only = null, CancellationToken cancellationToken = default)
    {
        _context.Options.Validate();
        var results = new List<TestCaseResult>();
        foreach (ITestCase testCase in AllCases)
        {
            if (only is { Count: > 0 } && !only.Contains(testCase.Number))
            {
                continue;
            }

            await _log.WriteLineAsync($"case {testCase.Number} ({testCase.Name}): running").ConfigureAwait(false);
            TestCaseResult result;
            try
            {
                result = await testCase.RunAsync(_context, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                result = new TestCaseResult(testCase.Number, testCase.Name, TestCaseStatus.Failed, $"stopped by {Describe(exception)}", [], 0);
            }

            await _log.WriteLineAsync($"case {testCase.Number} ({testCase.Name}): {result.Status}").ConfigureAwait(false);
            results.Add(result);
        }

        string cleanup = _context.Options.Keep
            ? $"kept {_context.Created.Count} secrets (--keep)"
            : await CleanUpAsync(cancellationToken).ConfigureAwait(false);
        return new TestPlanReport(_context.Target.Description, _context.RunId, results, cleanup);
    }

    /// <summary>
    /// Only a store's own sanitised messages are shown: an SDK's message may quote a response body.
    /// </summary>
    public static string Describe(Exception exception) => exception switch
    {
        SecretStoreException store => store.Message,
        RequestFailedException azure => $"Key Vault error {azure.ErrorCode ?? "(none)"} (HTTP {azure.Status})",
        _ => exception.GetType().Name,
    };

    private async Task<string> CleanUpAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<WrittenSecret> created = _context.Created;
        int vaultDeleted = 0, awsDeleted = 0, failures = 0;
        foreach (WrittenSecret secret in created.Where(s => s.Versions.Count > 0))
        {
            try
            {
                DeleteSecretOperation operation = await _context.Target.Vault.StartDeleteSecretAsync(secret.Name, cancellationToken).ConfigureAwait(false);
                await operation.WaitForCompletionAsync(cancellationToken).ConfigureAwait(false);
                vaultDeleted++;
                try
                {
                    await _context.Target.Vault.PurgeDeletedSecretAsync(secret.Name, cancellationToken).ConfigureAwait(false);
                }
                catch (RequestFailedException)
                {
                    // Purge protection or no purge permission: the soft-deleted secret expires on its own.
                }
            }
            catch (RequestFailedException)
            {
                failures++;
            }

            if (_context.Target.Faults is { } faults)
            {
                try
                {
                    await faults.DeleteAwsSecretAsync(secret.TargetName, cancellationToken).ConfigureAwait(false);
                    awsDeleted++;
                }
                catch (SecretStoreException)
                {
                    failures++;
                }
            }
        }

        string aws = _context.Target.Faults is null
            ? $"AWS copies left under '{_context.Target.Names.Prefix}{_context.Options.Replication.NamePrefix}-{_context.RunId}-*' (the plan's AWS identity is read-only; the replicator does not propagate deletes)"
            : $"deleted {awsDeleted} AWS secrets";
        return $"deleted {vaultDeleted} Key Vault secrets; {aws}" + (failures > 0 ? $"; {failures} deletions failed" : string.Empty);
    }
}
