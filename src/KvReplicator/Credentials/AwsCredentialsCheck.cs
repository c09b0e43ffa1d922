using KvReplicator.Preflight;

namespace KvReplicator.Credentials;

/// <summary>
/// The AWS credentials' preflight: the configured <see cref="ICredentialSource"/> is asked for credentials once
/// (Roles Anywhere's session, STS's web-identity exchange, or the SDK's chain), which it then caches for the
/// first real call. Whether AWS accepts them is the Secrets Manager check's question.
/// </summary>
internal sealed class AwsCredentialsCheck(Func<ICredentialSource> source) : IStoreCheck
{
    public const string StoreName = ICredentialSource.PreflightStoreName;

    /// <summary>Failures of the way to the credential service rather than of what it answered.</summary>
    private static readonly HashSet<string> s_unavailable = new(StringComparer.Ordinal)
    {
        "NetworkError", "Timeout", nameof(HttpRequestException), nameof(TaskCanceledException), nameof(OperationCanceledException),
    };

    public string Store => StoreName;

    public string? Requires => null;

    public async Task<StoreCheckResult> CheckAsync(CancellationToken cancellationToken = default)
    {
        ICredentialSource credentials = source();
        try
        {
            AwsCredentials obtained = await credentials.GetCredentialsAsync(cancellationToken).ConfigureAwait(false);
            return StoreCheckResult.Passed(credentials.Name, obtained.UseToken
                ? "temporary credentials obtained"
                : "credentials obtained; they are a long-lived key (Roles Anywhere or web identity need none)");
        }
        catch (SecretStoreException exception)
        {
            PreflightFailure failure = exception.ErrorCode is { } code && (s_unavailable.Contains(code) || code.StartsWith("Http5", StringComparison.Ordinal))
                ? PreflightFailure.Unavailable
                : PreflightFailure.Refused;
            return StoreCheckResult.Failed(credentials.Name, $"{exception.Message} Check {CredentialsOptions.SectionName}:Source and its section.", failure);
        }
    }
}
