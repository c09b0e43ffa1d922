using System.Text.Json.Nodes;

namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>
/// Key Vault's JSON shapes (SecretBundle, SecretItem, DeletedSecretBundle, pages, errors), built from the
/// stored records. Times are Unix seconds, as on the wire of the real service.
/// </summary>
internal sealed class WireFormat
{
    private readonly Func<Uri> _vaultUri;
    private readonly int _retentionDays;

    /// <param name="vaultUri">The vault's address, known only once the server has bound its port.</param>
    public WireFormat(Func<Uri> vaultUri, int retentionDays)
    {
        _vaultUri = vaultUri;
        _retentionDays = retentionDays;
    }

    public JsonObject Bundle(StoredSecret secret, StoredSecretVersion version, bool includeValue)
    {
        var bundle = new JsonObject();
        if (includeValue)
        {
            bundle["value"] = version.Value;
        }

        bundle["id"] = Url($"secrets/{secret.Name}/{version.Version}");
        AddProperties(bundle, version);
        return bundle;
    }

    /// <summary>A secret in a list of secrets: the latest version's properties under the version-less id.</summary>
    public JsonObject Item(StoredSecret secret)
    {
        var item = new JsonObject { ["id"] = Url($"secrets/{secret.Name}") };
        AddProperties(item, secret.Latest);
        return item;
    }

    public JsonObject VersionItem(StoredSecret secret, StoredSecretVersion version)
    {
        var item = new JsonObject { ["id"] = Url($"secrets/{secret.Name}/{version.Version}") };
        AddProperties(item, version);
        return item;
    }

    /// <summary>A deleted secret: its latest version (without value when listed) plus the recovery facts.</summary>
    public JsonObject Deleted(StoredSecret secret, bool asListItem)
    {
        JsonObject deleted = asListItem ? Item(secret) : Bundle(secret, secret.Latest, includeValue: false);
        deleted["recoveryId"] = Url($"deletedsecrets/{secret.Name}");
        deleted["deletedDate"] = secret.DeletedOn?.ToUnixTimeSeconds();
        deleted["scheduledPurgeDate"] = secret.ScheduledPurgeOn?.ToUnixTimeSeconds();
        return deleted;
    }

    public static JsonObject Page(IEnumerable<JsonObject> items, string? nextLink) =>
        new() { ["value"] = new JsonArray([.. items]), ["nextLink"] = nextLink };

    public static JsonObject Error(string code, string message, string? innerCode = null)
    {
        var error = new JsonObject { ["code"] = code, ["message"] = message };
        if (innerCode is not null)
        {
            error["innerError"] = new JsonObject { ["code"] = innerCode };
        }

        return new JsonObject { ["error"] = error };
    }

    public string Url(string relative) => new Uri(_vaultUri(), relative).AbsoluteUri;

    private void AddProperties(JsonObject target, StoredSecretVersion version)
    {
        var attributes = new JsonObject { ["enabled"] = version.Enabled };
        if (version.NotBefore is DateTimeOffset notBefore)
        {
            attributes["nbf"] = notBefore.ToUnixTimeSeconds();
        }

        if (version.ExpiresOn is DateTimeOffset expiresOn)
        {
            attributes["exp"] = expiresOn.ToUnixTimeSeconds();
        }

        attributes["created"] = version.CreatedOn.ToUnixTimeSeconds();
        attributes["updated"] = version.UpdatedOn.ToUnixTimeSeconds();
        attributes["recoveryLevel"] = "Recoverable+Purgeable";
        attributes["recoverableDays"] = _retentionDays;

        if (version.ContentType is not null)
        {
            target["contentType"] = version.ContentType;
        }

        target["attributes"] = attributes;
        if (version.Tags is not null)
        {
            var tags = new JsonObject();
            foreach ((string key, string value) in version.Tags)
            {
                tags[key] = value;
            }

            target["tags"] = tags;
        }
    }
}
