using System.Diagnostics.CodeAnalysis;
using System.Text;
using Azure;
using Azure.Core;

namespace KvReplicator.DevTools.Chaos;

/// <summary>An error response made up by <see cref="FaultInjectingPolicy"/>, shaped like the service's own (status, error code header, JSON body).</summary>
internal sealed class InjectedResponse : Response
{
    private readonly Dictionary<string, string> _headers;

    public InjectedResponse(int status, string reasonPhrase, string errorCode, string clientRequestId, IReadOnlyDictionary<string, string>? headers = null)
    {
        Status = status;
        ReasonPhrase = reasonPhrase;
        ClientRequestId = clientRequestId;
        _headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["x-ms-error-code"] = errorCode,
            ["Content-Type"] = "application/json; charset=utf-8",
        };
        foreach (KeyValuePair<string, string> header in headers ?? new Dictionary<string, string>())
        {
            _headers[header.Key] = header.Value;
        }

        ContentStream = new MemoryStream(Encoding.UTF8.GetBytes($$$"""{"error":{"code":"{{{errorCode}}}","message":"injected by kvrep-dev chaos"}}"""));
    }

    public override int Status { get; }

    // Azure.Core classifies a response in its transport policy, which a made-up response never reaches.
    public override bool IsError => Status >= 400;

    public override string ReasonPhrase { get; }

    public override Stream? ContentStream { get; set; }

    public override string ClientRequestId { get; set; }

    public override void Dispose() => ContentStream?.Dispose();

    protected override bool ContainsHeader(string name) => _headers.ContainsKey(name);

    protected override IEnumerable<HttpHeader> EnumerateHeaders() => _headers.Select(header => new HttpHeader(header.Key, header.Value));

    protected override bool TryGetHeader(string name, [NotNullWhen(true)] out string? value) => _headers.TryGetValue(name, out value);

    protected override bool TryGetHeaderValues(string name, [NotNullWhen(true)] out IEnumerable<string>? values)
    {
        bool found = _headers.TryGetValue(name, out string? value);
        values = found ? [value!] : null;
        return found;
    }
}
