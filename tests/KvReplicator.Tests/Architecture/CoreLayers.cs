namespace KvReplicator.Tests.Architecture;

/// <summary>
/// The layering of the core, src/KvReplicator (docs/architecture.md draws it): which namespace may use which.
/// Dependencies point inwards, to the kernel; nothing points back, so there is no cycle.
/// </summary>
internal static class CoreLayers
{
    private const string Kernel = NamespaceRules.Kernel;

    public static NamespaceRules Rules { get; } = new("KvReplicator", new Dictionary<string, string[]>
    {
        // The kernel (root namespace, files directly in src/KvReplicator/): values, outcomes, failures and the ports
        // the use cases call. It uses nothing else of ours and, outside the base class library, nothing at all.
        [Kernel] = [],

        // Shared below the use cases and the adapters: telemetry names and instruments; write pacing; which Azure
        // credential the Azure clients use; the preflight's port (IStoreCheck), which every store's adapter offers.
        ["Diagnostics"] = [Kernel],
        ["Throttling"] = [Kernel],
        ["AzureIdentity"] = [Kernel, "Diagnostics"],
        ["Preflight"] = [Kernel, "Diagnostics"],

        // The use cases: one secret version replicated; both sides compared and repaired (sync, verify).
        ["Replication"] = [Kernel, "Diagnostics"],
        ["Reconciliation"] = [Kernel, "Diagnostics", "Replication", "Throttling"],

        // The adapters behind the kernel's ports, each on its own SDK; Storage is the Blob container that the
        // ledger and the dead letters share.
        ["KeyVault"] = [Kernel, "Diagnostics", "AzureIdentity", "Preflight"],
        ["SecretsManager"] = [Kernel, "Diagnostics", "Throttling", "Preflight"],
        ["Credentials"] = [Kernel, "Diagnostics", "Preflight"],
        ["Notifications"] = [Kernel, "Diagnostics"],
        ["Storage"] = [Kernel, "Diagnostics", "AzureIdentity", "Preflight"],
        ["Ledger"] = [Kernel, "Diagnostics", "Storage", "Preflight"],

        // The entry points that drive the use cases: a delivery from Event Grid, parsed and handed to the
        // replicator; a dead letter, written for a rejected delivery and replayed as a delivery; kvrep status's
        // report, from the reconciler's plan, the ledger and the dead letters.
        ["Events"] = [Kernel, "Diagnostics", "Replication"],
        ["DeadLettering"] = [Kernel, "Diagnostics", "Storage", "Preflight", "Events"],
        ["Status"] = [Kernel, "Diagnostics", "Reconciliation", "DeadLettering"],

        // The composition root: the only place that knows every adapter.
        ["DependencyInjection"] = [NamespaceRules.Anything],
    });
}
