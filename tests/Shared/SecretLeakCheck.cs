namespace KvReplicator.Testing;

/// <summary>
/// Runs after every other test of its assembly (<see cref="LeakCheckingTestFramework"/>) and fails the run when
/// a secret value a test registered reached a log, the console, a command's output or an exception message,
/// or when a private key was left in the temp directory.
/// </summary>
public sealed class SecretLeakCheck
{
    [Fact]
    public void No_secret_value_reached_a_log_output_or_exception_and_no_private_key_was_left_on_disk()
    {
        IReadOnlyList<string> leaks = SecretLeakGuard.FindLeaks();
        Assert.True(leaks.Count == 0,
            $"{leaks.Count} of {SecretLeakGuard.CapturedCount} captured texts contain one of {SecretLeakGuard.RegisteredCount} registered secret values:\n" + string.Join("\n", leaks.Take(20)));

        IReadOnlyList<string> keys = SecretLeakGuard.FindPrivateKeysOnDisk();
        Assert.True(keys.Count == 0, "private keys were left in the temp directory: " + string.Join(", ", keys));
    }
}
