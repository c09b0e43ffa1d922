using KvReplicator.Preflight;

namespace KvReplicator.DependencyInjection;

/// <summary>
/// A store's preflight check for one vault or AWS target of several, named after it in the checklist
/// (<c>Secrets Manager (target prod-eu)</c>), so each can be told apart and each waits for its own prerequisite.
/// </summary>
/// <param name="ownPrerequisite">
/// True when the check's prerequisite is the route's own (a target's own credentials); false when it is the
/// deployment's, which keeps its plain name.
/// </param>
internal sealed class RouteStoreCheck(IStoreCheck inner, string route, bool ownPrerequisite) : IStoreCheck
{
    public string Store => $"{inner.Store} ({route})";

    public string? Requires => inner.Requires is { } requires && ownPrerequisite ? $"{requires} ({route})" : inner.Requires;

    public Task<StoreCheckResult> CheckAsync(CancellationToken cancellationToken = default) => inner.CheckAsync(cancellationToken);
}
