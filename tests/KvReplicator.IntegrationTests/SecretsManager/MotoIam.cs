using System.Xml.Linq;
using KvReplicator.IntegrationTests.Emulators;

namespace KvReplicator.IntegrationTests.SecretsManager;

/// <summary>
/// IAM users and keys in a moto that checks signatures (<c>MotoServer.StartAsync(checkSignaturesAfter: …)</c>),
/// through IAM's query API by hand (AWSSDK.IdentityManagement is not available). moto does not check these calls
/// while its unauthenticated allowance lasts: three per user (user, key, policy).
/// </summary>
internal static class MotoIam
{
    /// <summary>The calls <see cref="CreateUserWithKeyAsync"/> makes, which the moto must let through unsigned.</summary>
    public const int CallsPerUser = 3;

    /// <summary>Creates a user with an access key and an inline policy allowing <paramref name="actions"/> on every resource.</summary>
    public static async Task<(string AccessKeyId, string SecretAccessKey)> CreateUserWithKeyAsync(Uri endpoint, params string[] actions)
    {
        string user = SharedEmulators.UniqueName("kvrep-test");
        using var http = new HttpClient { BaseAddress = endpoint };
        await CallAsync(http, new() { ["Action"] = "CreateUser", ["UserName"] = user });
        XDocument key = await CallAsync(http, new() { ["Action"] = "CreateAccessKey", ["UserName"] = user });
        string actionList = string.Join(",", actions.Select(action => $"\"{action}\""));
        await CallAsync(http, new()
        {
            ["Action"] = "PutUserPolicy",
            ["UserName"] = user,
            ["PolicyName"] = "secrets",
            ["PolicyDocument"] = $$"""{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[{{actionList}}],"Resource":"*"}]}""",
        });
        return (Element(key, "AccessKeyId"), Element(key, "SecretAccessKey"));
    }

    private static async Task<XDocument> CallAsync(HttpClient http, Dictionary<string, string> parameters)
    {
        parameters["Version"] = "2010-05-08";
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new FormUrlEncodedContent(parameters) };
        // moto routes by the credential scope; the signature itself is not checked during the setup calls.
        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=setup/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0");
        using HttpResponseMessage response = await http.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"IAM {parameters["Action"]} failed with {(int)response.StatusCode}");
        return XDocument.Parse(body);
    }

    private static string Element(XDocument document, string name) =>
        document.Descendants().Single(element => element.Name.LocalName == name).Value;
}
