namespace KvReplicator;

/// <summary>
/// Key Vault's own error codes, from its REST reference (case as Key Vault sends them): the only codes a message,
/// an outcome or a tag may repeat. A code outside the list may come from a hop that quotes the request, so it is
/// never repeated. Shared by everything that reads Key Vault: the secret source and the Roles Anywhere certificate.
/// </summary>
internal static class KeyVaultErrorCodes
{
    /// <summary>Key Vault's (and its front end's) error codes.</summary>
    private static readonly HashSet<string> s_known = new(StringComparer.Ordinal)
    {
        "BadParameter", "BadRequest", "Conflict", "Forbidden", "ForbiddenByPolicy", "ForbiddenByFirewall", "ForbiddenByRbac",
        "ForbiddenByConnection", "AccessDenied", "Unauthorized", "NotFound", "SecretNotFound", "KeyNotFound", "CertificateNotFound",
        "VaultNotFound", "DeletedSecretNotFound", "ObjectIsBeingDeleted", "ObjectIsDeletedButRecoverable", "Throttled", "TooManyRequests",
        "RequestTimeout", "InternalServerError", "InternalError", "ServiceUnavailable", "MethodNotAllowed", "UnsupportedMediaType",
        "PreconditionFailed", "InvalidRequest", "SecretDisabled", "KeyVaultServiceError", "OperationNotAllowed",
    };

    /// <summary>The code of a Key Vault error when it is one of Key Vault's own, otherwise null.</summary>
    public static string? Known(string? code) => code is not null && s_known.Contains(code) ? code : null;
}
