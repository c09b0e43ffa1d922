namespace KvReplicator.Preflight;

/// <summary>
/// One cheap call to one configured store, proving that it answers and lets the replicator in: what a host asks
/// every store before it takes work, and what <c>kvrep doctor</c> lists. Each store's folder has its own.
/// </summary>
internal interface IStoreCheck
{
    /// <summary>The store as the checklist names it, e.g. <c>Key Vault</c>.</summary>
    string Store { get; }

    /// <summary>The <see cref="Store"/> of a check that must pass first (Secrets Manager needs AWS credentials), or null.</summary>
    string? Requires { get; }

    /// <summary>Makes the call. Store failures are results; an invalid setting throws as options do.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The store's settings are invalid.</exception>
    Task<StoreCheckResult> CheckAsync(CancellationToken cancellationToken = default);
}
