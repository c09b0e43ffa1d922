namespace KvReplicator.DevTools;

/// <summary>
/// The exit codes only <c>kvrep-dev</c> returns. They continue <see cref="Cli.ExitCodes"/> (which the dev verbs
/// also return: success, configuration errors, Ctrl-C), so one number means one thing across both programs.
/// </summary>
internal static class DevExitCodes
{
    /// <summary><c>kvrep-dev bench</c> finished, but what reached Secrets Manager differs from what was written to Key Vault.</summary>
    public const int BenchInconsistent = 6;

    /// <summary>The run finished but found something wrong: a version lost, written twice, or a test case failed.</summary>
    public const int VerificationFailed = 7;

    /// <summary>A program the command needs (moto_server, Azurite) is not installed; stderr says how to install it.</summary>
    public const int PrerequisiteMissing = 8;
}
