namespace KvReplicator.LocalCloud.Emulators;

/// <summary>Azurite's Blob service, in memory, on a free loopback port.</summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    public const string InstallHint = "Azurite was not found: run `npm install --prefix .tools azurite` in the repository (scripts/test.sh and scripts/demo.sh do it), or set KVREP_AZURITE to the azurite-blob program.";

    /// <summary>Azurite's fixed development account; not a secret, it is published in Azurite's documentation.</summary>
    public const string AccountName = "devstoreaccount1";

    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly EmulatorProcess _process;

    private AzuriteServer(EmulatorProcess process) => _process = process;

    public Uri BlobEndpoint => new($"http://127.0.0.1:{_process.Port}/{AccountName}");

    /// <summary>A connection string for the Blob service of this instance.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    public static async Task<AzuriteServer> StartAsync(CancellationToken cancellationToken = default)
    {
        string program = ExecutableLocator.Find("KVREP_AZURITE", "azurite-blob", Path.Combine(".tools", "node_modules", ".bin", "azurite-blob"))
            ?? throw new EmulatorNotFoundException(InstallHint);
        int port = FreePort.Next();
        EmulatorProcess process = await EmulatorProcess.StartAsync(
            "azurite-blob",
            program,
            ["--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--inMemoryPersistence", "--skipApiVersionCheck", "--disableTelemetry", "--silent"],
            port,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return new AzuriteServer(process);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
