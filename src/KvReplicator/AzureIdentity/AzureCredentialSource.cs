namespace KvReplicator.AzureIdentity;

/// <summary>How the replicator signs in to Azure (Key Vault, Blob Storage, and Entra ID for AWS web identity).</summary>
internal enum AzureCredentialSource
{
    /// <summary>
    /// <c>DefaultAzureCredential</c>, each store with its own <c>ManagedIdentityClientId</c> setting: what the
    /// replicator did before this setting existed.
    /// </summary>
    Default,

    /// <summary>The managed identity of the Function App or VM: system-assigned, or user-assigned with <see cref="AzureCredentialOptions.ClientId"/>.</summary>
    ManagedIdentity,

    /// <summary>Kubernetes workload identity: the federated token file that the AKS webhook mounts (<c>AZURE_FEDERATED_TOKEN_FILE</c>).</summary>
    WorkloadIdentity,

    /// <summary>Whoever is signed in to the Azure CLI (<c>az login</c>): an operator running <c>kvrep</c> from a laptop.</summary>
    AzureCli,

    /// <summary>A service principal from <c>AZURE_TENANT_ID</c>, <c>AZURE_CLIENT_ID</c> and <c>AZURE_CLIENT_SECRET</c> or <c>AZURE_CLIENT_CERTIFICATE_PATH</c>.</summary>
    Environment,

    /// <summary>
    /// The fixed token that <c>kvrep-dev localcloud</c>'s Key Vault stand-in accepts and moto's STS exchanges. It
    /// grants nothing anywhere else, and is refused unless the vault is on a loopback address.
    /// </summary>
    LocalCloud,
}
