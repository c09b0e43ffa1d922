using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>The secrets part of Key Vault's REST API, as much of it as <c>SecretClient</c> uses.</summary>
internal sealed class SecretsApi
{
    /// <summary>The api-versions SecretClient 4.x sends; Key Vault answers others with 400.</summary>
    private static readonly HashSet<string> s_apiVersions = new(StringComparer.Ordinal)
    {
        "7.0", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6-preview.2", "7.6", "2025-07-01", "2026-04-01",
    };

    private readonly SecretStore _store;
    private readonly WireFormat _wire;
    private readonly int _pageSize;
    private readonly Func<QuotedReadFailure> _readFailure;

    public SecretsApi(SecretStore store, WireFormat wire, int pageSize, Func<QuotedReadFailure> readFailure)
    {
        _store = store;
        _wire = wire;
        _pageSize = pageSize;
        _readFailure = readFailure;
    }

    public void Map(IEndpointRouteBuilder routes)
    {
        routes.MapPut("/secrets/{name}", SetAsync);
        routes.MapGet("/secrets", context => ListAsync(context, deleted: false));
        routes.MapGet("/secrets/{name}/versions", ListVersionsAsync);
        routes.MapGet("/secrets/{name}/{version?}", GetAsync);
        routes.MapMethods("/secrets/{name}/{version}", [HttpMethods.Patch], UpdateAsync);
        routes.MapDelete("/secrets/{name}", DeleteAsync);
        routes.MapGet("/deletedsecrets", context => ListAsync(context, deleted: true));
        routes.MapGet("/deletedsecrets/{name}", GetDeletedAsync);
        routes.MapDelete("/deletedsecrets/{name}", PurgeAsync);
        routes.MapPost("/deletedsecrets/{name}/recover", RecoverAsync);
    }

    /// <summary>Every request: a request id, the api-version check and Key Vault's error shape.</summary>
    public static async Task HandleErrorsAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.Headers["x-ms-request-id"] = Guid.NewGuid().ToString();
        context.Response.Headers["x-ms-keyvault-service-version"] = "1.9.0.0";
        try
        {
            string? apiVersion = context.Request.Query["api-version"];
            if (string.IsNullOrEmpty(apiVersion))
            {
                throw KeyVaultServiceError.BadParameter("The 'api-version' query parameter is missing.");
            }

            if (!s_apiVersions.Contains(apiVersion))
            {
                throw KeyVaultServiceError.BadParameter($"The specified version ({apiVersion}) is not recognized. Consider using the latest supported version (7.6).");
            }

            await next(context).ConfigureAwait(false);
        }
        catch (KeyVaultServiceError error) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, error.Status, WireFormat.Error(error.Code, error.Message, error.InnerCode)).ConfigureAwait(false);
        }
    }

    public static Task WriteAsync(HttpContext context, HttpStatusCode status, JsonNode body)
    {
        context.Response.StatusCode = (int)status;
        context.Response.ContentType = "application/json; charset=utf-8";
        return context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }

    private async Task SetAsync(HttpContext context)
    {
        NewSecretVersion request = await SecretRequestReader.ReadSetAsync(context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        (StoredSecret secret, StoredSecretVersion version) = _store.Set(Route(context, "name")!, request);
        await WriteAsync(context, HttpStatusCode.OK, _wire.Bundle(secret, version, includeValue: true)).ConfigureAwait(false);
    }

    private Task GetAsync(HttpContext context)
    {
        string? version = Route(context, "version");
        (StoredSecret secret, StoredSecretVersion found) = _store.Get(Route(context, "name")!, string.IsNullOrEmpty(version) ? null : version);
        QuotedReadFailure failure = _readFailure();
        return failure == QuotedReadFailure.None
            ? WriteAsync(context, HttpStatusCode.OK, _wire.Bundle(secret, found, includeValue: true))
            : WriteQuotedFailureAsync(context, failure, _wire.Bundle(secret, found, includeValue: true).ToJsonString(), found.Value);
    }

    private static Task WriteQuotedFailureAsync(HttpContext context, QuotedReadFailure failure, string bundle, string value)
    {
        string quote = $"The response {bundle} could not be validated.";
        switch (failure)
        {
            case QuotedReadFailure.BadParameter:
                return WriteAsync(context, HttpStatusCode.BadRequest, WireFormat.Error("BadParameter", quote));
            case QuotedReadFailure.InternalServerError:
                return WriteAsync(context, HttpStatusCode.InternalServerError, WireFormat.Error("InternalServerError", quote));
            case QuotedReadFailure.NonJsonServerError:
                context.Response.StatusCode = (int)HttpStatusCode.InternalServerError;
                context.Response.ContentType = "text/plain; charset=utf-8";
                return context.Response.WriteAsync($"upstream error: {quote}\n{value}", context.RequestAborted);
            default:
                // A header value cannot hold every value (line breaks, non-ASCII): the body's code always does.
                context.Response.Headers.TryAdd("x-ms-error-code", value.All(c => c is >= ' ' and <= '~') ? value : "Forbidden");
                return WriteAsync(context, HttpStatusCode.Forbidden, WireFormat.Error(value, $"{value}: {quote}"));
        }
    }

    private async Task UpdateAsync(HttpContext context)
    {
        SecretUpdate update = await SecretRequestReader.ReadUpdateAsync(context.Request.Body, context.RequestAborted).ConfigureAwait(false);
        (StoredSecret secret, StoredSecretVersion version) = _store.Update(Route(context, "name")!, Route(context, "version")!, update);
        await WriteAsync(context, HttpStatusCode.OK, _wire.Bundle(secret, version, includeValue: false)).ConfigureAwait(false);
    }

    private Task DeleteAsync(HttpContext context) =>
        WriteAsync(context, HttpStatusCode.OK, _wire.Deleted(_store.Delete(Route(context, "name")!), asListItem: false));

    private Task GetDeletedAsync(HttpContext context) =>
        WriteAsync(context, HttpStatusCode.OK, _wire.Deleted(_store.GetDeleted(Route(context, "name")!), asListItem: false));

    private Task PurgeAsync(HttpContext context)
    {
        _store.Purge(Route(context, "name")!);
        context.Response.StatusCode = (int)HttpStatusCode.NoContent;
        return Task.CompletedTask;
    }

    private Task RecoverAsync(HttpContext context)
    {
        StoredSecret secret = _store.Recover(Route(context, "name")!);
        return WriteAsync(context, HttpStatusCode.OK, _wire.Bundle(secret, secret.Latest, includeValue: false));
    }

    private Task ListAsync(HttpContext context, bool deleted)
    {
        int max = MaxResults(context);
        string? after = context.Request.Query["$skiptoken"];
        (IReadOnlyList<StoredSecret> page, string? next) = _store.List(deleted, string.IsNullOrEmpty(after) ? null : after, max);
        IEnumerable<JsonObject> items = page.Select(s => deleted ? _wire.Deleted(s, asListItem: true) : _wire.Item(s));
        string? nextLink = next is null ? null : NextLink(context, deleted ? "deletedsecrets" : "secrets", next, max);
        return WriteAsync(context, HttpStatusCode.OK, WireFormat.Page(items, nextLink));
    }

    private Task ListVersionsAsync(HttpContext context)
    {
        int max = MaxResults(context);
        string? token = context.Request.Query["$skiptoken"];
        int skip = 0;
        if (!string.IsNullOrEmpty(token) && (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out skip)))
        {
            throw KeyVaultServiceError.BadParameter("The $skiptoken is not valid.");
        }

        (StoredSecret secret, IReadOnlyList<StoredSecretVersion> page, int? next) = _store.ListVersions(Route(context, "name")!, skip, max);
        string? nextLink = next is int n
            ? NextLink(context, $"secrets/{secret.Name}/versions", n.ToString(CultureInfo.InvariantCulture), max)
            : null;
        return WriteAsync(context, HttpStatusCode.OK, WireFormat.Page(page.Select(v => _wire.VersionItem(secret, v)), nextLink));
    }

    private int MaxResults(HttpContext context)
    {
        string? text = context.Request.Query["maxresults"];
        if (string.IsNullOrEmpty(text))
        {
            return _pageSize;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int max) && max is >= 1 and <= 25
            ? max
            : throw KeyVaultServiceError.BadParameter("maxresults must be a number between 1 and 25.");
    }

    private string NextLink(HttpContext context, string path, string skipToken, int max) =>
        _wire.Url($"{path}?api-version={Uri.EscapeDataString(context.Request.Query["api-version"].ToString())}" +
                  $"&$skiptoken={Uri.EscapeDataString(skipToken)}&maxresults={max.ToString(CultureInfo.InvariantCulture)}");

    private static string? Route(HttpContext context, string key) => context.Request.RouteValues[key] as string;
}
