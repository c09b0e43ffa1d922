namespace KvReplicator.Diagnostics;

/// <summary>
/// One kind of call to a remote service, made once and shared, so that measuring a call allocates no name:
/// the <c>kvrep.service</c> and <c>kvrep.operation</c> tag values, the span's name and its semantic-convention
/// attributes.
/// </summary>
internal sealed class RemoteOperation
{
    private RemoteOperation(string service, string name, string spanService, string? rpcSystem, string? azureNamespace)
    {
        Service = service;
        Name = name;
        SpanName = $"{spanService}.{name}";
        RpcSystem = rpcSystem;
        RpcService = rpcSystem is null ? null : spanService;
        AzureNamespace = azureNamespace;
    }

    /// <summary>The <c>kvrep.service</c> tag: keyvault, blob, secretsmanager, sts or rolesanywhere.</summary>
    public string Service { get; }

    /// <summary>The <c>kvrep.operation</c> tag, e.g. <c>PutSecretValue</c>; <c>other</c> for a call no table names.</summary>
    public string Name { get; }

    public string SpanName { get; }

    /// <summary>OpenTelemetry's <c>rpc.system</c> (<c>aws-api</c>) for AWS calls; null for Azure's.</summary>
    public string? RpcSystem { get; }

    public string? RpcService { get; }

    /// <summary>OpenTelemetry's <c>az.namespace</c> for Azure calls; null for AWS's.</summary>
    public string? AzureNamespace { get; }

    public static RemoteOperation Azure(string service, string spanService, string azureNamespace, string name) =>
        new(service, name, spanService, rpcSystem: null, azureNamespace);

    public static RemoteOperation Aws(string service, string spanService, string name) =>
        new(service, name, spanService, "aws-api", azureNamespace: null);
}
