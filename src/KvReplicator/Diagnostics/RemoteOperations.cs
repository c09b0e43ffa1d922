using System.Collections.Frozen;
using System.Net.Http.Headers;
using Azure.Core;

namespace KvReplicator.Diagnostics;

/// <summary>
/// Names each request the replicator sends by its service and operation, from a fixed table per service:
/// the path's secret, blob and container names never reach a tag. A request no table knows is <c>other</c>.
/// </summary>
internal static class RemoteOperations
{
    private const string Other = "other";
    private const string SecretsManagerTargetPrefix = "secretsmanager.";

    public static readonly RemoteOperation StsAssumeRoleWithWebIdentity = RemoteOperation.Aws(TelemetryNames.StsService, "STS", "AssumeRoleWithWebIdentity");

    public static readonly RemoteOperation RolesAnywhereCreateSession = RemoteOperation.Aws(TelemetryNames.RolesAnywhereService, "RolesAnywhere", "CreateSession");

    private static readonly RemoteOperation s_getLatestSecret = KeyVault("GetSecret(latest)");
    private static readonly RemoteOperation s_getSecretVersion = KeyVault("GetSecret(version)");
    private static readonly RemoteOperation s_getSecretVersions = KeyVault("GetSecretVersions");
    private static readonly RemoteOperation s_getSecrets = KeyVault("GetSecrets");
    private static readonly RemoteOperation s_setSecret = KeyVault("SetSecret");
    private static readonly RemoteOperation s_keyVaultOther = KeyVault(Other);

    private static readonly RemoteOperation s_listBlobs = Blob("ListBlobs");
    private static readonly RemoteOperation s_getContainerProperties = Blob("GetContainerProperties");
    private static readonly RemoteOperation s_createContainer = Blob("CreateContainer");
    private static readonly RemoteOperation s_setBlobMetadata = Blob("SetBlobMetadata");
    private static readonly RemoteOperation s_putBlob = Blob("PutBlob");
    private static readonly RemoteOperation s_getBlob = Blob("GetBlob");
    private static readonly RemoteOperation s_getBlobProperties = Blob("GetBlobProperties");
    private static readonly RemoteOperation s_deleteBlob = Blob("DeleteBlob");
    private static readonly RemoteOperation s_blobOther = Blob(Other);

    // Keyed by the whole X-Amz-Target header, so that a lookup allocates nothing.
    private static readonly FrozenDictionary<string, RemoteOperation> s_secretsManager = new[]
    {
        "CreateSecret", "DeleteSecret", "DescribeSecret", "GetSecretValue", "ListSecrets", "ListSecretVersionIds", "PutSecretValue",
        "RestoreSecret", "TagResource", "UntagResource", "UpdateSecret", "UpdateSecretVersionStage", "BatchGetSecretValue",
    }.ToFrozenDictionary(operation => SecretsManagerTargetPrefix + operation, operation => RemoteOperation.Aws(TelemetryNames.SecretsManagerService, "SecretsManager", operation), StringComparer.Ordinal);

    private static readonly RemoteOperation s_secretsManagerOther = RemoteOperation.Aws(TelemetryNames.SecretsManagerService, "SecretsManager", Other);

    /// <summary>A Key Vault secrets call, from its method and path (<c>/secrets[/name[/version|/versions]]</c>).</summary>
    public static RemoteOperation KeyVault(RequestMethod method, Uri uri)
    {
        ReadOnlySpan<char> path = uri.AbsolutePath.AsSpan().Trim('/');
        if (!path.StartsWith("secrets", StringComparison.Ordinal) || (path.Length > 7 && path[7] != '/'))
        {
            return s_keyVaultOther;
        }

        // Segments after "secrets": 0 (list), 1 (a secret's latest), 2 (a version, or "versions").
        path = path[Math.Min(path.Length, 8)..];
        int segments = path.IsEmpty ? 0 : path.Count('/') + 1;
        return (method.Method, segments) switch
        {
            ("GET", 0) => s_getSecrets,
            ("GET", 1) => s_getLatestSecret,
            ("GET", 2) when path.EndsWith("/versions", StringComparison.Ordinal) => s_getSecretVersions,
            ("GET", 2) => s_getSecretVersion,
            ("PUT", 1) => s_setSecret,
            _ => s_keyVaultOther,
        };
    }

    /// <summary>A Blob Storage call, from its method and the <c>restype</c> and <c>comp</c> of its query.</summary>
    public static RemoteOperation Blob(RequestMethod method, Uri uri)
    {
        ReadOnlySpan<char> query = uri.Query;
        bool container = query.Contains("restype=container", StringComparison.OrdinalIgnoreCase);
        bool list = query.Contains("comp=list", StringComparison.OrdinalIgnoreCase);
        bool metadata = query.Contains("comp=metadata", StringComparison.OrdinalIgnoreCase);
        return (method.Method, container, list, metadata) switch
        {
            ("GET", true, true, _) => s_listBlobs,
            ("GET" or "HEAD", true, _, _) => s_getContainerProperties,
            ("PUT", true, _, _) => s_createContainer,
            ("PUT", false, _, true) => s_setBlobMetadata,
            ("PUT", false, _, false) => s_putBlob,
            ("GET", false, false, false) => s_getBlob,
            ("HEAD", false, _, _) => s_getBlobProperties,
            ("DELETE", false, _, _) => s_deleteBlob,
            _ => s_blobOther,
        };
    }

    /// <summary>A Secrets Manager call, from its <c>X-Amz-Target</c> header (JSON 1.1 protocol).</summary>
    public static RemoteOperation SecretsManager(HttpRequestMessage request) =>
        request.Headers.NonValidated.TryGetValues("X-Amz-Target", out HeaderStringValues target)
            ? SecretsManager(target.ToString())
            : s_secretsManagerOther;

    /// <summary>A Secrets Manager call, from the value of its <c>X-Amz-Target</c> header (e.g. a forwarded request's).</summary>
    public static RemoteOperation SecretsManager(string? amzTarget) =>
        amzTarget is not null && s_secretsManager.TryGetValue(amzTarget, out RemoteOperation? operation) ? operation : s_secretsManagerOther;

    private static RemoteOperation KeyVault(string name) => RemoteOperation.Azure(TelemetryNames.KeyVaultService, "KeyVault", "Microsoft.KeyVault", name);

    private static RemoteOperation Blob(string name) => RemoteOperation.Azure(TelemetryNames.BlobService, "Blob", "Microsoft.Storage", name);
}
