using KvReplicator.Credentials;
using Microsoft.Extensions.Logging;

namespace KvReplicator.Tests.Credentials;

/// <summary>A <see cref="RefreshingCredentialSource"/> whose fetches the test scripts, counting them.</summary>
internal sealed class ScriptedCredentialSource : RefreshingCredentialSource
{
    private readonly Func<int, Task<ExpiringCredentials>> _fetch;
    private int _fetches;

    public ScriptedCredentialSource(Func<int, Task<ExpiringCredentials>> fetch, TimeSpan refreshMargin, TimeProvider timeProvider, ILogger logger)
        : base(refreshMargin, timeProvider, logger) => _fetch = fetch;

    public override string Name => "scripted";

    public int Fetches => Volatile.Read(ref _fetches);

    public static ExpiringCredentials Credentials(int number, DateTimeOffset expiration) =>
        new(new AwsCredentials($"AKID{number}", $"secret{number}", $"token{number}"), expiration);

    protected override Task<ExpiringCredentials> FetchAsync(CancellationToken cancellationToken) => _fetch(Interlocked.Increment(ref _fetches));
}
