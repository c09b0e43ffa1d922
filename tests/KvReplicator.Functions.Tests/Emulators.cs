using KvReplicator.LocalCloud.Emulators;
using KvReplicator.LocalCloud.KeyVault;

namespace KvReplicator.Functions.Tests;

/// <summary>The local Key Vault, moto and Azurite, started once for the tests that share this fixture.</summary>
public sealed class Emulators : IAsyncLifetime
{
    public LocalKeyVault KeyVault { get; private set; } = null!;

    public MotoServer Moto { get; private set; } = null!;

    public AzuriteServer Azurite { get; private set; } = null!;

    /// <summary>Where local.settings.json.example points at Azure and AWS, these endpoints instead.</summary>
    public IReadOnlyDictionary<string, string?> Endpoints => new Dictionary<string, string?>
    {
        ["KvReplicator:KeyVault:VaultUri"] = KeyVault.VaultUri.AbsoluteUri,
        ["KvReplicator:KeyVault:VaultName"] = KeyVault.VaultName,
        ["KvReplicator:KeyVault:DisableChallengeResourceVerification"] = "true",
        ["KvReplicator:KeyVault:TrustedServerCertificateThumbprint"] = KeyVault.CertificateThumbprintSha256,
        ["KvReplicator:Ledger:ConnectionString"] = Azurite.ConnectionString,
        ["KvReplicator:DeadLetter:ConnectionString"] = Azurite.ConnectionString,
        ["KvReplicator:SecretsManager:ServiceUrl"] = Moto.Endpoint.AbsoluteUri,
    };

    public async Task InitializeAsync()
    {
        Task<LocalKeyVault> keyVault = LocalKeyVault.StartAsync();
        Task<MotoServer> moto = MotoServer.StartAsync();
        Task<AzuriteServer> azurite = AzuriteServer.StartAsync();
        KeyVault = await keyVault;
        Moto = await moto;
        Azurite = await azurite;
    }

    public async Task DisposeAsync()
    {
        await KeyVault.DisposeAsync();
        await Moto.DisposeAsync();
        await Azurite.DisposeAsync();
    }
}
