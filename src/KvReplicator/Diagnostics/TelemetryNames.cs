namespace KvReplicator.Diagnostics;

/// <summary>
/// Every instrument, tag and span name the replicator emits, in one place: dashboards and alerts (infra/, deploy/)
/// query them, and tests/KvReplicator.Tests/Infra/MonitoringDefinitionTests.cs keeps the list they may use.
/// Renaming one breaks those queries.
/// </summary>
internal static class TelemetryNames
{
    // Instruments. Prometheus names follow from them: "." becomes "_", counters get "_total", the histograms
    // (unit "s") "_seconds".
    public const string Deliveries = "kvrep.deliveries";
    public const string Versions = "kvrep.versions";
    public const string DeadLetters = "kvrep.dead_letters";
    public const string NotificationsFailed = "kvrep.notifications.failed";
    public const string ReplicationLag = "kvrep.replication.lag";
    public const string HandlerDuration = "kvrep.handler.duration";
    public const string RemoteCallDuration = "kvrep.remote_call.duration";
    public const string WriteRateLimitWait = "kvrep.write_rate_limit.wait";

    // Tags. Every value is one of a fixed set (see the classes that produce them), never free text or a value.
    public const string Disposition = "kvrep.disposition";
    public const string Outcome = "kvrep.outcome";
    public const string Reason = "kvrep.reason";
    public const string Service = "kvrep.service";
    public const string Operation = "kvrep.operation";
    public const string Result = "kvrep.result";

    /// <summary>The AWS target's id (<c>KvReplicator:Targets:&lt;n&gt;:Id</c>), one of the configured few; <see cref="DefaultTarget"/> for the unnamed one.</summary>
    public const string Target = "kvrep.target";

    /// <summary>The AWS write quota a limiter keeps the process under (account and Region, e.g. <c>111122223333/eu-west-1</c>, or <c>default</c>), one of the configured few.</summary>
    public const string Quota = "kvrep.quota";

    // Values of kvrep.service.
    public const string KeyVaultService = "keyvault";
    public const string BlobService = "blob";
    public const string SecretsManagerService = "secretsmanager";
    public const string StsService = "sts";
    public const string RolesAnywhereService = "rolesanywhere";

    // Value of kvrep.target for the single, unnamed target of KvReplicator:SecretsManager.
    public const string DefaultTarget = "default";

    // Span attributes of the replicator's own (names, never values).
    public const string SecretVault = "kvrep.secret.vault";
    public const string SecretName = "kvrep.secret.name";
    public const string SecretVersion = "kvrep.secret.version";
    public const string TargetName = "kvrep.target.name";

    // Spans.
    public const string DeliverySpan = "KvReplicator.ProcessDelivery";
    public const string VersionSpan = "KvReplicator.ReplicateVersion";
}
