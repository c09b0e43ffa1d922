namespace KvReplicator.AzureIdentity;

/// <summary>
/// Which Azure credential every Azure client of the replicator uses. Bound from <c>KvReplicator:AzureCredential</c>;
/// checked by <see cref="AzureCredentialOptionsValidator"/>.
/// </summary>
internal sealed class AzureCredentialOptions
{
    public const string SectionName = "KvReplicator:AzureCredential";

    /// <summary>The setting that chooses the credential, for messages that tell an operator what to change.</summary>
    public const string SourceSetting = SectionName + ":Source";

    /// <summary>Default <see cref="AzureCredentialSource.Default"/>.</summary>
    public AzureCredentialSource Source { get; set; } = AzureCredentialSource.Default;

    /// <summary>
    /// The client id of a user-assigned managed identity (<see cref="AzureCredentialSource.ManagedIdentity"/>), or of
    /// the application that workload identity federates with (<see cref="AzureCredentialSource.WorkloadIdentity"/>;
    /// default <c>AZURE_CLIENT_ID</c>). Unset for the system-assigned identity.
    /// </summary>
    public string? ClientId { get; set; }
}
