using System.Globalization;
using System.Text.Json;

namespace KvReplicator.Credentials;

/// <summary>
/// Reads the <c>credential_process</c> JSON that aws_signing_helper prints (<c>Version</c> 1,
/// <c>AccessKeyId</c>, <c>SecretAccessKey</c>, <c>SessionToken</c>, <c>Expiration</c>).
/// </summary>
/// <remarks>
/// AWSSDK.Core's <c>ProcessAWSCredentials</c> is not used: it runs one fixed command line without a timeout
/// or a way to kill it, and has no hook to create and delete the key files around each run. Its JSON model
/// (<c>ProcessCredentialVersion1</c>) does not fit either: it makes <c>SessionToken</c> and <c>Expiration</c>
/// optional (a missing expiration reads as "never"), which must be refused here, and it reports missing
/// fields as a <see cref="JsonException"/> that cannot be told apart from one quoting the output. So the
/// same schema is read here, field by field.
/// </remarks>
internal static class CredentialProcessOutputReader
{
    /// <summary>Parses the output; a <see cref="FormatException"/> names what is wrong, never a value.</summary>
    public static ExpiringCredentials Parse(string output)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(output);
        }
        catch (JsonException ex)
        {
            // Only the position: the message of a JsonException can quote the text around it.
            throw new FormatException($"output is not valid credential_process JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine})");
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("output is not valid credential_process JSON (not an object)");
            }

            if (!root.TryGetProperty("Version", out JsonElement version) || version.ValueKind != JsonValueKind.Number)
            {
                throw new FormatException("output has no numeric Version");
            }

            if (!version.TryGetInt32(out int versionNumber) || versionNumber != 1)
            {
                throw new FormatException($"output has Version {version.GetRawText()}; only Version 1 is supported");
            }

            string accessKeyId = RequiredString(root, "AccessKeyId");
            string secretAccessKey = RequiredString(root, "SecretAccessKey");
            string sessionToken = RequiredString(root, "SessionToken");
            string expiration = RequiredString(root, "Expiration");
            if (!DateTimeOffset.TryParse(expiration, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset expiresAt))
            {
                throw new FormatException("output has an Expiration that is not an ISO 8601 timestamp");
            }

            return new ExpiringCredentials(new AwsCredentials(accessKeyId, secretAccessKey, sessionToken), expiresAt.ToUniversalTime());
        }
    }

    private static string RequiredString(JsonElement root, string field) =>
        root.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.String && !string.IsNullOrEmpty(value.GetString())
            ? value.GetString()!
            : throw new FormatException($"output has no {field}");
}
