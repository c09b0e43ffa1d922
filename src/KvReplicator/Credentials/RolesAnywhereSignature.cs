namespace KvReplicator.Credentials;

/// <summary>
/// The result of signing one <c>CreateSession</c> request: the headers to send, and the intermediate
/// strings, kept so that tests can compare them with the documented rules.
/// </summary>
internal sealed record RolesAnywhereSignature(
    Uri RequestUri,
    string Host,
    string AmzDate,
    string X509,
    string? X509Chain,
    string CanonicalRequest,
    string StringToSign,
    string Authorization);
