using KvReplicator.Preflight;
using KvReplicator.SecretsManager.Model;

namespace KvReplicator.SecretsManager;

/// <summary>
/// Secrets Manager's preflight: <c>ListSecrets</c> for one entry, which needs no secret to exist and proves the
/// endpoint, the region, that AWS accepts the credentials and the one permission every verb has
/// (<c>secretsmanager:ListSecrets</c>). No value is read.
/// </summary>
/// <param name="createClient">A client that tries each call once, so an unreachable endpoint is reported at once.</param>
internal sealed class SecretsManagerAccessCheck(Func<(SecretsManagerClient Client, string Region)> createClient) : IStoreCheck
{
    private const string Section = SecretsManagerOptions.SectionName;

    public string Store => "Secrets Manager";

    public string? Requires => ICredentialSource.PreflightStoreName;

    public async Task<StoreCheckResult> CheckAsync(CancellationToken cancellationToken = default)
    {
        (SecretsManagerClient client, string region) = createClient();
        string target = $"{client.Endpoint} (region {region})";
        try
        {
            await client.ListSecretsAsync(new ListSecretsRequest { MaxResults = 1 }, cancellationToken).ConfigureAwait(false);
            return StoreCheckResult.Passed(target, "the credentials were accepted and secrets can be listed");
        }
        catch (SecretsManagerException exception)
        {
            return exception.ErrorType switch
            {
                "AccessDeniedException" or "AccessDenied" => StoreCheckResult.Failed(target,
                    $"{exception.Message} The role may not list secrets: allow secretsmanager:ListSecrets (docs/operator-guide.md has the policy of each verb).",
                    PreflightFailure.Refused),
                _ when exception.IsAuthFailure => StoreCheckResult.Failed(target,
                    $"{exception.Message} AWS does not accept these credentials: check {ICredentialSource.SettingsSection} and {Section}:Region.",
                    PreflightFailure.Refused),
                SecretsManagerErrorTypes.NetworkError or SecretsManagerErrorTypes.Timeout => StoreCheckResult.Failed(target,
                    $"{exception.Message} Check {Section}:ServiceUrl (or the region's endpoint) and the network.",
                    PreflightFailure.Unavailable),
                _ => StoreCheckResult.Failed(target, exception),
            };
        }
    }
}
