using System.Text.Json;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Util.Internal;

namespace KvReplicator.Credentials;

/// <summary>
/// Reads the <c>credential_process</c> JSON that aws_signing_helper prints (<c>Version</c> 1,
/// <c>AccessKeyId</c>, <c>SecretAccessKey</c>, <c>SessionToken</c>, <c>Expiration</c>).
/// </summary>
/// <remarks>
/// The JSON model and its serializer context are AWSSDK.Core's own (<see cref="ProcessCredentialVersion1"/>),
/// so the schema is the SDK's. <c>ProcessAWSCredentials</c> itself is not used: it takes one fixed command
/// line, runs it without a timeout or a way to kill it, and has no hook to create and delete the key files
/// around each run.
/// </remarks>
internal static class CredentialProcessOutputReader
{
    /// <summary>Parses the output; a <see cref="FormatException"/> names what is wrong, never a value.</summary>
    public static ExpiringCredentials Parse(string output)
    {
        ProcessCredentialVersion1? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(output, ProcessCredentialVersion1JsonSerializerContexts.Default.ProcessCredentialVersion1);
        }
        catch (JsonException ex)
        {
            // Only the position: the message of a JsonException can quote the text around it.
            throw new FormatException($"output is not valid credential_process JSON (line {ex.LineNumber}, byte {ex.BytePositionInLine})");
        }

        if (parsed is null)
        {
            throw new FormatException("output is empty or null instead of credential_process JSON");
        }

        if (parsed.Version != 1)
        {
            throw new FormatException($"output has Version {parsed.Version}; only Version 1 is supported");
        }

        Require(parsed.AccessKeyId, "AccessKeyId");
        Require(parsed.SecretAccessKey, "SecretAccessKey");
        Require(parsed.SessionToken, "SessionToken");
        if (parsed.Expiration == default)
        {
            throw new FormatException("output has no Expiration; temporary credentials must say when they expire");
        }

        DateTime expiration = parsed.Expiration.Kind == DateTimeKind.Unspecified
            ? DateTime.SpecifyKind(parsed.Expiration, DateTimeKind.Utc)
            : parsed.Expiration.ToUniversalTime();
        return new ExpiringCredentials(
            new ImmutableCredentials(parsed.AccessKeyId, parsed.SecretAccessKey, parsed.SessionToken),
            new DateTimeOffset(expiration, TimeSpan.Zero));
    }

    private static void Require(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new FormatException($"output has no {field}");
        }
    }
}
