using System.Net;

namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>An error the stand-in answers with, in Key Vault's status, code and message.</summary>
internal sealed class KeyVaultServiceError : Exception
{
    public KeyVaultServiceError(HttpStatusCode status, string code, string message, string? innerCode = null)
        : base(message)
    {
        Status = status;
        Code = code;
        InnerCode = innerCode;
    }

    public HttpStatusCode Status { get; }

    public string Code { get; }

    /// <summary>The <c>innerError.code</c> Key Vault adds to some errors, e.g. <c>SecretDisabled</c>.</summary>
    public string? InnerCode { get; }

    public static KeyVaultServiceError SecretNotFound(string name, string? version = null) =>
        new(HttpStatusCode.NotFound, "SecretNotFound", version is null
            ? $"A secret with (name/id) {name} was not found in this key vault."
            : $"A secret with (name/id) {name}/{version} was not found in this key vault.");

    public static KeyVaultServiceError DeletedSecretNotFound(string name) =>
        new(HttpStatusCode.NotFound, "SecretNotFound", $"Deleted Secret not found: {name}");

    public static KeyVaultServiceError Disabled(string operation) =>
        new(HttpStatusCode.Forbidden, "Forbidden", $"Operation {operation} is not allowed on a disabled secret.", "SecretDisabled");

    public static KeyVaultServiceError BadParameter(string message) => new(HttpStatusCode.BadRequest, "BadParameter", message);
}
