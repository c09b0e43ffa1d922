namespace KvReplicator.Testing;

/// <summary>
/// Runs after every other test of its assembly (<see cref="LeakCheckingTestFramework"/>) and fails the run when
/// a secret value a test registered reached a log, the console, a command's output, an exception message or the
/// exported telemetry (a span's attributes or events, a metric's tags),
/// or when a private key or anything else was left in the run's temp directory (<see cref="RunTempDirectory"/>).
/// </summary>
public sealed class SecretLeakCheck
{
    [Fact]
    public void No_secret_value_reached_a_log_output_exception_or_telemetry_and_no_private_key_was_left_on_disk()
    {
        IReadOnlyList<string> leaks = SecretLeakGuard.FindLeaks();
        Assert.True(leaks.Count == 0,
            $"{leaks.Count} of {SecretLeakGuard.CapturedCount} captured texts contain one of {SecretLeakGuard.RegisteredCount} registered secret values:\n" + string.Join("\n", leaks.Take(20)));

        IReadOnlyList<string> keys = SecretLeakGuard.FindPrivateKeysOnDisk();
        Assert.True(keys.Count == 0, "private keys were left in the temp directory: " + string.Join(", ", keys));
    }

    [Fact]
    public void No_test_left_a_file_or_folder_in_the_run_temp_directory()
    {
        IReadOnlyList<string> left = RunTempDirectory.Leftovers();
        Assert.True(left.Count == 0,
            $"{left.Count} entries were left in {RunTempDirectory.Path}; delete temporary files and folders in a finally or Dispose: " + string.Join(", ", left.Take(20)));
    }
}
