using Azure.Core;
using KvReplicator.Diagnostics;

namespace KvReplicator.Tests.Diagnostics;

public sealed class RemoteOperationsTests
{
    [Theory]
    [InlineData("GET", "https://127.0.0.1:5001/secrets/name/0123abc?api-version=7.6", "GetSecret(version)")]
    [InlineData("GET", "https://127.0.0.1:5001/secrets/name/?api-version=7.6", "GetSecret(latest)")]
    [InlineData("GET", "https://127.0.0.1:5001/secrets/name?api-version=7.6", "GetSecret(latest)")]
    [InlineData("GET", "https://127.0.0.1:5001/secrets/name/versions?api-version=7.6&maxresults=25", "GetSecretVersions")]
    [InlineData("GET", "https://kv.vault.azure.net/secrets?api-version=7.6", "GetSecrets")]
    [InlineData("PUT", "https://kv.vault.azure.net/secrets/name?api-version=7.6", "SetSecret")]
    [InlineData("DELETE", "https://kv.vault.azure.net/secrets/name?api-version=7.6", "other")]
    [InlineData("GET", "https://kv.vault.azure.net/secretsx/name?api-version=7.6", "other")]
    [InlineData("GET", "https://kv.vault.azure.net/keys/name?api-version=7.6", "other")]
    public void Key_vault_operations_are_named_from_the_method_and_path(string method, string url, string expected)
    {
        RemoteOperation operation = RemoteOperations.KeyVault(RequestMethod.Parse(method), new Uri(url));

        Assert.Equal((TelemetryNames.KeyVaultService, expected, "KeyVault." + expected, "Microsoft.KeyVault"), (operation.Service, operation.Name, operation.SpanName, operation.AzureNamespace));
    }

    [Theory]
    [InlineData("PUT", "http://127.0.0.1:10000/acct/ledger/name/version", "PutBlob")]
    [InlineData("PUT", "http://127.0.0.1:10000/acct/ledger/name/version?comp=metadata", "SetBlobMetadata")]
    [InlineData("GET", "http://127.0.0.1:10000/acct/ledger/name", "GetBlob")]
    [InlineData("HEAD", "http://127.0.0.1:10000/acct/ledger/name/version", "GetBlobProperties")]
    [InlineData("DELETE", "http://127.0.0.1:10000/acct/ledger/name/version", "DeleteBlob")]
    [InlineData("GET", "http://127.0.0.1:10000/acct/ledger?restype=container", "GetContainerProperties")]
    [InlineData("PUT", "http://127.0.0.1:10000/acct/ledger?restype=container", "CreateContainer")]
    [InlineData("GET", "http://127.0.0.1:10000/acct/ledger?restype=container&comp=list&prefix=rejected", "ListBlobs")]
    [InlineData("POST", "http://127.0.0.1:10000/acct/ledger/name", "other")]
    public void Blob_operations_are_named_from_the_method_and_query(string method, string url, string expected)
    {
        RemoteOperation operation = RemoteOperations.Blob(RequestMethod.Parse(method), new Uri(url));

        Assert.Equal((TelemetryNames.BlobService, expected, "Microsoft.Storage"), (operation.Service, operation.Name, operation.AzureNamespace));
    }

    [Theory]
    [InlineData("secretsmanager.PutSecretValue", "PutSecretValue")]
    [InlineData("secretsmanager.DescribeSecret", "DescribeSecret")]
    [InlineData("secretsmanager.SomethingNew", "other")]
    [InlineData("kms.Decrypt", "other")]
    [InlineData(null, "other")]
    public void Secrets_manager_operations_are_named_from_the_amz_target_header(string? target, string expected)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:5000/");
        if (target is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        }

        RemoteOperation operation = RemoteOperations.SecretsManager(request);

        Assert.Equal((TelemetryNames.SecretsManagerService, expected, "SecretsManager." + expected, "aws-api"), (operation.Service, operation.Name, operation.SpanName, operation.RpcSystem));
    }

    [Fact]
    public void The_same_operation_is_the_same_object_so_measuring_a_call_allocates_no_name()
    {
        using var first = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:5000/");
        using var second = new HttpRequestMessage(HttpMethod.Post, "http://127.0.0.1:5000/");
        first.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.PutSecretValue");
        second.Headers.TryAddWithoutValidation("X-Amz-Target", "secretsmanager.PutSecretValue");

        Assert.Same(RemoteOperations.SecretsManager(first), RemoteOperations.SecretsManager(second));
        Assert.Same(
            RemoteOperations.KeyVault(RequestMethod.Get, new Uri("https://kv.vault.azure.net/secrets/a/1")),
            RemoteOperations.KeyVault(RequestMethod.Get, new Uri("https://kv.vault.azure.net/secrets/b/2")));
    }
}
