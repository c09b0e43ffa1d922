using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;

namespace KvReplicator.IntegrationTests.SecretsManager;

/// <summary>
/// Sits in front of moto and refuses writes to a secret scheduled for deletion the way AWS does (moto accepts
/// them silently). A test marks the names it scheduled for deletion; a RestoreSecret passing through clears them.
/// </summary>
internal sealed class DeletionRefusingHandler : DelegatingHandler
{
    private readonly ConcurrentDictionary<string, bool> _scheduled = new(StringComparer.Ordinal);

    public void MarkScheduledForDeletion(string secretName) => _scheduled[secretName] = true;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string? operation = request.Headers.TryGetValues("X-Amz-Target", out IEnumerable<string>? targets) ? targets.First().Split('.').Last() : null;
        if (operation is "PutSecretValue" or "RestoreSecret" or "TagResource" && request.Content is not null)
        {
            string body = await request.Content.ReadAsStringAsync(cancellationToken);
            string secretId = JsonDocument.Parse(body).RootElement.GetProperty("SecretId").GetString()!;
            if (operation == "RestoreSecret")
            {
                _scheduled.TryRemove(secretId, out _);
            }
            else if (_scheduled.ContainsKey(secretId))
            {
                return new HttpResponseMessage(HttpStatusCode.BadRequest)
                {
                    Content = new StringContent(
                        """{"__type":"InvalidRequestException","message":"You can't perform this operation on the secret because it was marked for deletion."}""",
                        Encoding.UTF8,
                        "application/x-amz-json-1.1"),
                };
            }
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
