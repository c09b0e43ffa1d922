using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace KvReplicator.Credentials;

/// <summary>
/// IAM Roles Anywhere without a helper binary: reads the certificate and key from Key Vault into memory,
/// signs <c>CreateSession</c> itself (<see cref="RolesAnywhereRequestSigner"/>) and returns the session's
/// credentials. Nothing touches the disk.
/// </summary>
internal sealed class RolesAnywhereCredentialSource : RefreshingCredentialSource
{
    private readonly HttpClient _httpClient;
    private readonly KeyVaultCertificateMaterialReader _material;
    private readonly RolesAnywhereOptions _options;

    public RolesAnywhereCredentialSource(
        HttpClient httpClient,
        KeyVaultCertificateMaterialReader material,
        RolesAnywhereOptions options,
        TimeSpan refreshMargin,
        TimeProvider timeProvider,
        ILogger<RolesAnywhereCredentialSource> logger)
        : base(refreshMargin, timeProvider, logger)
    {
        _httpClient = httpClient ?? throw new ArgumentNullException(nameof(httpClient));
        _material = material ?? throw new ArgumentNullException(nameof(material));
        _options = options ?? throw new ArgumentNullException(nameof(options));
    }

    public override string Name => "roles-anywhere-native";

    protected override async Task<ExpiringCredentials> FetchAsync(CancellationToken cancellationToken)
    {
        RolesAnywhereCertificateMaterial material = await _material.ReadAsync(Name, cancellationToken).ConfigureAwait(false);
        X509SigningIdentity identity;
        try
        {
            identity = X509SigningIdentity.FromPem(material.CertificatePem, material.PrivateKeyPem, material.ChainPem);
        }
        catch (FormatException ex)
        {
            // Our own sentence (ReadChain), which never quotes the secret's text.
            throw Failure($"Key Vault secret '{_options.ChainSecretName}' is not a chain of PEM certificates ({ex.Message}); store the intermediates as -----BEGIN CERTIFICATE----- blocks, the leaf's issuer first", "InvalidCertificateChain");
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // The exception's message never quotes the key, but there is nothing in it worth the risk either.
            throw Failure("the certificate or private key in Key Vault could not be read as unencrypted PEM, or the key does not match the certificate", "InvalidCertificateMaterial");
        }

        using (identity)
        {
            // AWS would only answer 403; saying which date passed tells the operator to roll the certificate.
            DateTimeOffset now = TimeProvider.GetUtcNow();
            if (now > identity.Certificate.NotAfter.ToUniversalTime() || now < identity.Certificate.NotBefore.ToUniversalTime())
            {
                throw Failure(
                    $"the Roles Anywhere certificate is valid from {identity.Certificate.NotBefore.ToUniversalTime():O} to {identity.Certificate.NotAfter.ToUniversalTime():O}, not now",
                    "CertificateNotCurrent");
            }

            return await CreateSessionAsync(identity, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ExpiringCredentials> CreateSessionAsync(X509SigningIdentity identity, CancellationToken cancellationToken)
    {
        // The ARNs go in the query string and only the duration in the body, as AWS's aws_signing_helper sends them.
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object> { ["durationSeconds"] = _options.DurationSeconds });
        KeyValuePair<string, string>[] query =
        [
            new("profileArn", _options.ProfileArn!),
            new("roleArn", _options.RoleArn!),
            new("trustAnchorArn", _options.TrustAnchorArn!),
        ];
        RolesAnywhereSignature signature = RolesAnywhereRequestSigner.Sign(identity, _options.ResolveEndpoint(), _options.Region!, query, body, TimeProvider.GetUtcNow());

        using var request = new HttpRequestMessage(HttpMethod.Post, signature.RequestUri);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(RolesAnywhereRequestSigner.ContentType);
        request.Headers.Host = signature.Host;
        request.Headers.TryAddWithoutValidation("X-Amz-Date", signature.AmzDate);
        request.Headers.TryAddWithoutValidation("X-Amz-X509", signature.X509);
        if (signature.X509Chain is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Amz-X509-Chain", signature.X509Chain);
        }

        request.Headers.TryAddWithoutValidation("Authorization", signature.Authorization);

        HttpResponseMessage response;
        try
        {
            response = await _httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw Failure($"CreateSession could not reach {signature.RequestUri.Host} ({ex.HttpRequestError})", ex.HttpRequestError.ToString());
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Failure("CreateSession timed out", "Timeout");
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                string errorCode = ErrorType(response) ?? $"Http{(int)response.StatusCode}";
                string? message = await RolesAnywhereErrorMessage.ReadAsync(response, cancellationToken).ConfigureAwait(false);
                throw Failure($"CreateSession failed with HTTP {(int)response.StatusCode} ({errorCode}){(message is null ? string.Empty : ": " + message)}", errorCode);
            }

            await using Stream content = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            return await ParseSessionAsync(content, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<ExpiringCredentials> ParseSessionAsync(Stream content, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(content, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            throw Failure("CreateSession returned a response that is not JSON", "InvalidResponse");
        }

        using (document)
        {
            if (!document.RootElement.TryGetProperty("credentialSet", out JsonElement set)
                || set.ValueKind != JsonValueKind.Array
                || set.GetArrayLength() == 0
                || !set[0].TryGetProperty("credentials", out JsonElement credentials)
                || credentials.ValueKind != JsonValueKind.Object)
            {
                throw Failure("CreateSession returned no credentialSet[0].credentials", "InvalidResponse");
            }

            string accessKeyId = RequiredString(credentials, "accessKeyId");
            string secretAccessKey = RequiredString(credentials, "secretAccessKey");
            string sessionToken = RequiredString(credentials, "sessionToken");
            string expiration = RequiredString(credentials, "expiration");
            if (!DateTimeOffset.TryParse(expiration, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset expiresAt))
            {
                throw Failure("CreateSession returned an expiration that is not a timestamp", "InvalidResponse");
            }

            return new ExpiringCredentials(new AwsCredentials(accessKeyId, secretAccessKey, sessionToken), expiresAt);
        }
    }

    private string RequiredString(JsonElement credentials, string property) =>
        credentials.TryGetProperty(property, out JsonElement value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(value.GetString())
            ? value.GetString()!
            : throw Failure($"CreateSession returned credentials without '{property}'", "InvalidResponse");

    /// <summary>AWS's error type from <c>x-amzn-ErrorType</c>, when it is one (a bare identifier).</summary>
    private static string? ErrorType(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-amzn-ErrorType", out IEnumerable<string>? values)
        && values.FirstOrDefault()?.Split(':')[0].Trim() is { Length: > 0 and <= 100 } type
        && type.All(char.IsAsciiLetterOrDigit)
            ? type
            : null;
}
