using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Azure.Storage.Blobs;
using KvReplicator.Diagnostics;

namespace KvReplicator.Storage;

/// <summary>
/// How the ledger and the dead-letter sink reach their containers: a connection string for emulators, or the
/// Blob service endpoint with a managed identity (the registered <see cref="TokenCredential"/>, else
/// DefaultAzureCredential) in production, so no account key appears in settings. Every call is measured
/// (<see cref="RemoteCallPolicy"/>).
/// </summary>
internal static class BlobContainerConnection
{
    /// <summary>Client options for one attempt per call: a preflight reports an unreachable account at once instead of after the SDK's retries.</summary>
    public static BlobClientOptions SingleAttempt() => new() { Retry = { MaxRetries = 0 } };

    public static BlobContainerClient Connect(
        Uri? serviceUri,
        string? connectionString,
        string containerName,
        string? managedIdentityClientId,
        TokenCredential? registeredCredential,
        BlobClientOptions? clientOptions = null)
    {
        clientOptions ??= new BlobClientOptions();
        clientOptions.AddPolicy(RemoteCallPolicy.Blob, HttpPipelinePosition.PerCall);
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            return new BlobContainerClient(connectionString, containerName, clientOptions);
        }

        TokenCredential credential = registeredCredential
            ?? new DefaultAzureCredential(new DefaultAzureCredentialOptions
            {
                ManagedIdentityClientId = string.IsNullOrWhiteSpace(managedIdentityClientId) ? null : managedIdentityClientId,
            });
        var containerUri = new BlobUriBuilder(serviceUri ?? throw new InvalidOperationException("Set the Blob service endpoint or a connection string."))
        {
            BlobContainerName = containerName,
        }.ToUri();
        return new BlobContainerClient(containerUri, credential, clientOptions);
    }
}
