using System.Text.Json.Serialization;

namespace KvReplicator.Reconciliation;

/// <summary>One secret in a reconcile report. Carries version ids and at most a short hash prefix, never a value.</summary>
internal sealed record ReconcileItem
{
    /// <summary>The Key Vault name, or null for an AWS secret whose source is unknown.</summary>
    public string? SourceName { get; init; }

    public required string TargetName { get; init; }

    /// <summary>The vault of a deployment that serves several vaults or AWS targets; null for a single route.</summary>
    public string? Vault { get; init; }

    /// <summary>The AWS target's id (<c>default</c> for the unnamed one) when the deployment writes to several targets or reads several vaults; null for a single route.</summary>
    public string? Target { get; init; }

    /// <summary>What is out of line first: the version, the metadata, then the settings (see <see cref="Drifts"/>).</summary>
    public required DriftKind Kind { get; init; }

    /// <summary>
    /// The target settings found out of line besides <see cref="Kind"/> (resource policy, KMS key, replicas), which
    /// a secret can show alongside a stale version or another setting.
    /// </summary>
    [JsonIgnore]
    public IReadOnlyList<DriftKind> SettingsDrifts { get; init; } = [];

    /// <summary>Every kind of drift found, <see cref="Kind"/> first; empty when the secret is in sync.</summary>
    public IReadOnlyList<DriftKind> Drifts =>
        Kind == DriftKind.InSync ? SettingsDrifts : [Kind, .. SettingsDrifts.Where(kind => kind != Kind)];

    /// <summary>True when the AWS copy was found out of line with Key Vault (what <c>kvrep verify</c> fails on).</summary>
    public required bool DriftFound { get; init; }

    /// <summary>True when the drift found is still there after the run: not repaired (a dry run, a conflict) or failed.</summary>
    public bool DriftLeft => DriftFound && Status != ReconcileItemStatus.Applied;

    public ReconcileActions Actions { get; init; }

    public ReconcileItemStatus Status { get; init; }

    /// <summary>The newest enabled Key Vault version.</summary>
    public string? SourceVersion { get; init; }

    /// <summary>The version id holding AWSCURRENT.</summary>
    public string? TargetVersion { get; init; }

    /// <summary>The first 8 hex digits of the SHA-256 of the source value.</summary>
    public string? SourceSha256Prefix { get; init; }

    /// <summary>The first 8 hex digits of the SHA-256 of the AWSCURRENT value.</summary>
    public string? TargetSha256Prefix { get; init; }

    /// <summary>AWS write calls sent for this secret (each attempt counts, as it does against the AWS quota).</summary>
    public int TargetWrites { get; init; }

    /// <summary>Why the secret is in this state, in words.</summary>
    public string? Detail { get; init; }

    /// <summary>The sanitised failure of an action.</summary>
    public string? Error { get; init; }
}
