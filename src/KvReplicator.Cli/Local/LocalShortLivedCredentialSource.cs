using System.Security.Cryptography;
using Amazon.Runtime;
using KvReplicator.Credentials;
using KvReplicator.TestPlan.Targets;

namespace KvReplicator.Cli.Local;

/// <summary>
/// LOCAL ONLY (test plan case 3): hands out made-up temporary credentials — an ASIA… key id with a session token —
/// that live a few seconds, and issues new ones once they expire, the way a role session is refreshed. moto
/// accepts any key, so this proves the replicator fetches credentials per call and survives their rotation; it
/// is not a credential source for a real account.
/// </summary>
internal sealed class LocalShortLivedCredentialSource(TimeSpan lifetime, TimeProvider? timeProvider = null) : ICredentialSource
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly Lock _sync = new();
    private ImmutableCredentials? _current;
    private DateTimeOffset _expiresAt;
    private long _issued;
    private bool _allHadSessionToken = true;

    public string Name => "local-short-lived";

    public TimeSpan Lifetime { get; } = lifetime > TimeSpan.Zero ? lifetime : throw new ArgumentOutOfRangeException(nameof(lifetime), "The lifetime must be positive.");

    public CredentialTally Tally
    {
        get
        {
            lock (_sync)
            {
                return new CredentialTally(_issued, _issued > 0 && _allHadSessionToken, Lifetime, Name);
            }
        }
    }

    public ValueTask<ImmutableCredentials> GetCredentialsAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            DateTimeOffset now = _time.GetUtcNow();
            if (_current is null || now >= _expiresAt)
            {
                _current = new ImmutableCredentials(
                    "ASIA" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
                    RandomNumberGenerator.GetHexString(40),
                    RandomNumberGenerator.GetHexString(64));
                _expiresAt = now + Lifetime;
                _issued++;
                _allHadSessionToken &= _current.UseToken;
            }

            return ValueTask.FromResult(_current);
        }
    }
}
