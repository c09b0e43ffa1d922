namespace KvReplicator.LocalCloud.Emulators;

/// <summary>moto's stand-alone server (AWS Secrets Manager, STS, IAM, SQS) on a free loopback port.</summary>
public sealed class MotoServer : IAsyncDisposable
{
    public const string InstallHint = "moto_server was not found: install it with `pip install 'moto[server]'`, or set KVREP_MOTO_SERVER to its path.";

    private readonly EmulatorProcess _process;

    private MotoServer(EmulatorProcess process) => _process = process;

    public Uri Endpoint => new($"http://127.0.0.1:{_process.Port}");

    /// <summary>
    /// Starts moto. With <paramref name="checkSignaturesAfter"/> set, moto verifies SigV4 signatures once that
    /// many unauthenticated actions have run (its INITIAL_NO_AUTH_ACTION_COUNT), so the first calls can
    /// create the IAM user and key that the signed calls use.
    /// </summary>
    public static async Task<MotoServer> StartAsync(int? checkSignaturesAfter = null, CancellationToken cancellationToken = default)
    {
        string program = ExecutableLocator.Find("KVREP_MOTO_SERVER", "moto_server", Path.Combine(".tools", "venv", "bin", "moto_server")) ?? throw new EmulatorNotFoundException(InstallHint);
        int port = FreePort.Next();
        var environment = new Dictionary<string, string> { ["MOTO_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (checkSignaturesAfter is int count)
        {
            environment["INITIAL_NO_AUTH_ACTION_COUNT"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        EmulatorProcess process = await EmulatorProcess.StartAsync(
            "moto_server", program, ["-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            port, environment, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new MotoServer(process);
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
