using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;
using KvReplicator.SecretsManager.Model;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.Retry;

namespace KvReplicator.SecretsManager;

/// <summary>
/// The Secrets Manager operations KvReplicator uses, over the JSON 1.1 protocol, signed with AWSSDK.Core's
/// SigV4 signer. Written here because AWSSDK.SecretsManager is not available to the build; it sends each
/// request through the <see cref="HttpClient"/> it is given, so tests and benchmarks can put a counting or
/// fault-injecting handler underneath. Transient failures are retried with jittered exponential backoff;
/// every failure surfaces as a classified <see cref="SecretsManagerException"/>.
/// </summary>
internal sealed partial class SecretsManagerClient
{
    /// <summary>The name of the <see cref="IHttpClientFactory"/> client registered for it.</summary>
    public const string HttpClientName = "KvReplicator.SecretsManager";

    private const string ServiceName = "secretsmanager";
    private const string ContentType = "application/x-amz-json-1.1";

    /// <summary>
    /// Calls whose request or response carries a value (UpdateSecret's API accepts one too): the service's
    /// message is never shown for them, since an error can quote the request, and AWS's masking is the only
    /// thing that keeps the value out of it.
    /// </summary>
    private static readonly HashSet<string> s_valueCarryingOperations = new(StringComparer.Ordinal)
    {
        "CreateSecret", "PutSecretValue", "UpdateSecret", "GetSecretValue",
    };

    private readonly HttpClient _httpClient;
    private readonly ICredentialSource _credentials;
    private readonly TimeProvider _timeProvider;
    private readonly RegionEndpoint _region;
    private readonly ResiliencePipeline _pipeline;
    private readonly ILogger _logger;

    /// <param name="httpClient">Sends the requests; its BaseAddress is ignored (the endpoint comes from <paramref name="options"/>).</param>
    /// <param name="credentials">Asked for credentials before every attempt, so a rotated key is picked up; it caches.</param>
    /// <param name="options">Region, endpoint override and retry settings.</param>
    /// <param name="timeProvider">The clock for signatures and retry delays; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Receives one warning per retried attempt (operation, error type, status, delay).</param>
    public SecretsManagerClient(HttpClient httpClient, ICredentialSource credentials, SecretsManagerOptions options, TimeProvider? timeProvider = null, ILogger<SecretsManagerClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Region);

        _httpClient = httpClient;
        _credentials = credentials;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _region = RegionEndpoint.GetBySystemName(options.Region);
        Endpoint = options.ServiceUrl ?? DefaultEndpoint(options.Region);
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _pipeline = BuildPipeline(options, _timeProvider);
    }

    /// <summary>Where requests go: the regional endpoint or the configured ServiceUrl.</summary>
    public Uri Endpoint { get; }

    public Task<DescribeSecretResponse> DescribeSecretAsync(DescribeSecretRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("DescribeSecret", request, SecretsManagerJsonContext.Default.DescribeSecretRequest, SecretsManagerJsonContext.Default.DescribeSecretResponse, cancellationToken);

    public Task<CreateSecretResponse> CreateSecretAsync(CreateSecretRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("CreateSecret", request, SecretsManagerJsonContext.Default.CreateSecretRequest, SecretsManagerJsonContext.Default.CreateSecretResponse, cancellationToken);

    public Task<PutSecretValueResponse> PutSecretValueAsync(PutSecretValueRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("PutSecretValue", request, SecretsManagerJsonContext.Default.PutSecretValueRequest, SecretsManagerJsonContext.Default.PutSecretValueResponse, cancellationToken);

    public Task<RestoreSecretResponse> RestoreSecretAsync(RestoreSecretRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("RestoreSecret", request, SecretsManagerJsonContext.Default.RestoreSecretRequest, SecretsManagerJsonContext.Default.RestoreSecretResponse, cancellationToken);

    public Task<UpdateSecretVersionStageResponse> UpdateSecretVersionStageAsync(UpdateSecretVersionStageRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("UpdateSecretVersionStage", request, SecretsManagerJsonContext.Default.UpdateSecretVersionStageRequest, SecretsManagerJsonContext.Default.UpdateSecretVersionStageResponse, cancellationToken);

    public Task<GetSecretValueResponse> GetSecretValueAsync(GetSecretValueRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("GetSecretValue", request, SecretsManagerJsonContext.Default.GetSecretValueRequest, SecretsManagerJsonContext.Default.GetSecretValueResponse, cancellationToken);

    public Task<ListSecretVersionIdsResponse> ListSecretVersionIdsAsync(ListSecretVersionIdsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("ListSecretVersionIds", request, SecretsManagerJsonContext.Default.ListSecretVersionIdsRequest, SecretsManagerJsonContext.Default.ListSecretVersionIdsResponse, cancellationToken);

    public Task<ListSecretsResponse> ListSecretsAsync(ListSecretsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("ListSecrets", request, SecretsManagerJsonContext.Default.ListSecretsRequest, SecretsManagerJsonContext.Default.ListSecretsResponse, cancellationToken);

    public Task<DeleteSecretResponse> DeleteSecretAsync(DeleteSecretRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("DeleteSecret", request, SecretsManagerJsonContext.Default.DeleteSecretRequest, SecretsManagerJsonContext.Default.DeleteSecretResponse, cancellationToken);

    public Task TagResourceAsync(TagResourceRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("TagResource", request, SecretsManagerJsonContext.Default.TagResourceRequest, SecretsManagerJsonContext.Default.EmptyResponse, cancellationToken);

    public Task UntagResourceAsync(UntagResourceRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("UntagResource", request, SecretsManagerJsonContext.Default.UntagResourceRequest, SecretsManagerJsonContext.Default.EmptyResponse, cancellationToken);

    public Task<UpdateSecretResponse> UpdateSecretAsync(UpdateSecretRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("UpdateSecret", request, SecretsManagerJsonContext.Default.UpdateSecretRequest, SecretsManagerJsonContext.Default.UpdateSecretResponse, cancellationToken);

    public Task<ResourceResponse> PutResourcePolicyAsync(PutResourcePolicyRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("PutResourcePolicy", request, SecretsManagerJsonContext.Default.PutResourcePolicyRequest, SecretsManagerJsonContext.Default.ResourceResponse, cancellationToken);

    /// <summary>The secret's resource policy; for checking what <see cref="PutResourcePolicyAsync"/> left (tests, diagnosis).</summary>
    public Task<GetResourcePolicyResponse> GetResourcePolicyAsync(GetResourcePolicyRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("GetResourcePolicy", request, SecretsManagerJsonContext.Default.GetResourcePolicyRequest, SecretsManagerJsonContext.Default.GetResourcePolicyResponse, cancellationToken);

    public Task<ResourceResponse> ReplicateSecretToRegionsAsync(ReplicateSecretToRegionsRequest request, CancellationToken cancellationToken = default) =>
        SendAsync("ReplicateSecretToRegions", request, SecretsManagerJsonContext.Default.ReplicateSecretToRegionsRequest, SecretsManagerJsonContext.Default.ResourceResponse, cancellationToken);

    internal static Uri DefaultEndpoint(string region) =>
        new(region.StartsWith("cn-", StringComparison.Ordinal)
            ? $"https://secretsmanager.{region}.amazonaws.com.cn/"
            : $"https://secretsmanager.{region}.amazonaws.com/");

    private ResiliencePipeline BuildPipeline(SecretsManagerOptions options, TimeProvider timeProvider)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions
            {
                // Refused credentials or permissions stay refused for the next 200 ms; the event's own
                // redelivery gives the operator time to fix them.
                ShouldHandle = new PredicateBuilder().Handle<SecretsManagerException>(e => e.IsTransient && !e.IsAuthFailure),
                MaxRetryAttempts = options.MaxRetries,
                Delay = options.BaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = arguments =>
                {
                    if (arguments.Outcome.Exception is SecretsManagerException failure)
                    {
                        LogRetry(failure.Operation, failure.ErrorType ?? "an unknown error", failure.HttpStatus is { } status ? $"HTTP {status.ToString(CultureInfo.InvariantCulture)}" : "no response", arguments.AttemptNumber + 1, arguments.RetryDelay);
                    }

                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    private async Task<TResponse> SendAsync<TRequest, TResponse>(
        string operation, TRequest request, JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(request, requestType);
        var failure = new FailureText(operation, SentValueRedaction.For(SentValue(request)), s_valueCarryingOperations.Contains(operation));
        try
        {
            return await _pipeline.ExecuteAsync(
                static async (state, token) => await state.Client.SendOnceAsync(state.Failure, state.Body, state.ResponseType, token).ConfigureAwait(false),
                (Client: this, Failure: failure, Body: body, ResponseType: responseType),
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The serialized request holds the secret value in plain bytes; do not leave it for the GC to find.
            Array.Clear(body);
        }
    }

    private static SecretValue? SentValue<TRequest>(TRequest request) => request switch
    {
        CreateSecretRequest create => create.SecretString ?? create.SecretBinary,
        PutSecretValueRequest put => put.SecretString ?? put.SecretBinary,
        _ => null,
    };

    private async Task<TResponse> SendOnceAsync<TResponse>(FailureText failure, byte[] body, JsonTypeInfo<TResponse> responseType, CancellationToken cancellationToken)
    {
        string operation = failure.Operation;
        AwsCredentials credentials = await _credentials.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
        using HttpRequestMessage message = await CreateSignedRequestAsync(operation, body, credentials, cancellationToken).ConfigureAwait(false);

        HttpResponseMessage response;
        try
        {
            response = await _httpClient.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw failure.NoResponse(SecretsManagerErrorTypes.Timeout, exception);
        }
        catch (HttpRequestException exception)
        {
            throw failure.NoResponse(SecretsManagerErrorTypes.NetworkError, exception);
        }

        using (response)
        {
            byte[] payload = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!response.IsSuccessStatusCode)
                {
                    throw failure.FromResponse(response, payload);
                }

                if (payload.Length == 0)
                {
                    payload = "{}"u8.ToArray();
                }

                return JsonSerializer.Deserialize(payload, responseType)
                    ?? throw failure.MalformedResponse(response, null);
            }
            catch (JsonException exception)
            {
                throw failure.MalformedResponse(response, exception);
            }
            finally
            {
                // An error body may echo the request, value included.
                Array.Clear(payload);
            }
        }
    }

    private async Task<HttpRequestMessage> CreateSignedRequestAsync(string operation, byte[] body, AwsCredentials credentials, CancellationToken cancellationToken)
    {
        string target = $"secretsmanager.{operation}";
        var signing = new AWSSigningRequest { HttpMethod = HttpMethod.Post, RequestUri = Endpoint, Content = body };
        signing.Headers["Content-Type"] = ContentType;
        signing.Headers["X-Amz-Target"] = target;

        AWSCredentials signingCredentials = credentials.UseToken
            ? new SessionAWSCredentials(credentials.AccessKey, credentials.SecretKey, credentials.Token)
            : new BasicAWSCredentials(credentials.AccessKey, credentials.SecretKey);
        AWSSigningResult signed = await AWSSigV4Signer.SignAsync(
            signing,
            new AWSSigV4Parameters { Credentials = signingCredentials, Region = _region, Service = ServiceName, SignedAt = _timeProvider.GetUtcNow().UtcDateTime },
            cancellationToken).ConfigureAwait(false);

        var message = new HttpRequestMessage(HttpMethod.Post, Endpoint) { Content = new ByteArrayContent(body) };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue(ContentType);
        message.Headers.TryAddWithoutValidation("X-Amz-Target", target);
        foreach (KeyValuePair<string, string> header in signed.Headers)
        {
            message.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return message;
    }

    private static ErrorResponse? ParseJsonError(byte[] payload)
    {
        try
        {
            return payload.Length > 0 ? JsonSerializer.Deserialize(payload, SecretsManagerJsonContext.Default.ErrorResponse) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Query-protocol errors (<c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Code&gt;</c>): moto answers authentication
    /// failures this way even for JSON services, and so do some AWS front ends.
    /// </summary>
    private static ErrorResponse? ParseXmlError(byte[] payload)
    {
        if (payload.Length == 0 || !payload.AsSpan().TrimStart(" \t\r\n"u8).StartsWith("<"u8))
        {
            return null;
        }

        try
        {
            using var stream = new MemoryStream(payload, writable: false);
            XDocument document = XDocument.Load(stream);
            string? code = document.Descendants().FirstOrDefault(element => element.Name.LocalName == "Code")?.Value;
            string? message = document.Descendants().FirstOrDefault(element => element.Name.LocalName == "Message")?.Value;
            return code is null ? null : new ErrorResponse { Type = code, Message = message };
        }
        catch (XmlException)
        {
            return null;
        }
    }

    /// <summary>
    /// <c>com.amazonaws.secretsmanager#ResourceNotFoundException</c> or <c>ResourceNotFoundException:http://…</c> →
    /// <c>ResourceNotFoundException</c>. Anything that is not then a bare identifier is no error type (a hop that
    /// put text there), and is dropped rather than carried into messages.
    /// </summary>
    internal static string? NormalizeErrorType(string? errorType)
    {
        if (string.IsNullOrWhiteSpace(errorType))
        {
            return null;
        }

        string type = errorType.Trim();
        int hash = type.LastIndexOf('#');
        if (hash >= 0)
        {
            type = type[(hash + 1)..];
        }

        int colon = type.IndexOf(':', StringComparison.Ordinal);
        type = colon >= 0 ? type[..colon] : type;
        return IdentifierPattern().IsMatch(type) ? type : null;
    }

    /// <summary>AWS's request ids are UUIDs (JSON services) or upper-case alphanumerics (S3-style); anything else is not one.</summary>
    internal static string? NormalizeRequestId(HttpResponseMessage response) =>
        (response.Headers.TryGetValues("x-amzn-RequestId", out IEnumerable<string>? values) || response.Headers.TryGetValues("x-amz-request-id", out values))
        && values.FirstOrDefault() is { } id && RequestIdPattern().IsMatch(id)
            ? id
            : null;

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9]{0,99}$")]
    private static partial Regex IdentifierPattern();

    [GeneratedRegex("^[A-Za-z0-9-]{1,64}$")]
    private static partial Regex RequestIdPattern();

    /// <summary>
    /// Builds the exceptions of one call: only this type turns what came back into text, so a value can reach a
    /// message only through it, and it redacts the value the call sent from everything it derives.
    /// </summary>
    private sealed class FailureText(string operation, SentValueRedaction redaction, bool withholdServiceMessage)
    {
        public string Operation => operation;

        public SecretsManagerException NoResponse(string errorType, Exception exception) =>
            new(operation, errorType, null, null, null, markedForDeletion: false, messageWithheld: false, redaction.Apply(exception));

        public SecretsManagerException MalformedResponse(HttpResponseMessage response, Exception? exception) =>
            new(operation, SecretsManagerErrorTypes.MalformedResponse, (int)response.StatusCode, null, RequestId(response), markedForDeletion: false, messageWithheld: false, redaction.Apply(exception));

        public SecretsManagerException FromResponse(HttpResponseMessage response, byte[] payload)
        {
            ErrorResponse? error = ParseJsonError(payload) ?? ParseXmlError(payload);
            string? errorType = NormalizeErrorType(error?.Type);
            if (errorType is null && response.Headers.TryGetValues("x-amzn-ErrorType", out IEnumerable<string>? values))
            {
                errorType = NormalizeErrorType(values.FirstOrDefault());
            }

            // The types this code acts on are its own vocabulary; any other that holds the value is no type.
            if (errorType is not null && !SecretsManagerErrorTypes.IsKnown(errorType) && redaction.Apply(errorType) != errorType)
            {
                errorType = null;
            }

            string? message = error?.Message;
            bool markedForDeletion = errorType == SecretsManagerErrorTypes.InvalidRequest && SecretsManagerErrorTypes.SaysMarkedForDeletion(message);
            bool withheld = withholdServiceMessage && !string.IsNullOrEmpty(message);
            return new SecretsManagerException(
                operation, errorType, (int)response.StatusCode, withheld ? null : redaction.Apply(message), RequestId(response), markedForDeletion, withheld, innerException: null);
        }

        private string? RequestId(HttpResponseMessage response) =>
            NormalizeRequestId(response) is { } id && redaction.Apply(id) == id ? id : null;
    }

    // The status as text: a failure without a response says so rather than "(null)".
    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Secrets Manager {Operation} failed with {ErrorType} ({Response}); retry {Retry} in {RetryDelay}")]
    private partial void LogRetry(string operation, string errorType, string response, int retry, TimeSpan retryDelay);
}
