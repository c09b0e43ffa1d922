using KvReplicator.Testing;

namespace KvReplicator.Tests.Testing;

/// <summary>
/// The checks after the last test look at the run's own temp directory only; these show that the tests' temp
/// paths fall in it and that a key or a leftover anywhere in it is found.
/// </summary>
public sealed class RunTempDirectoryTests
{
    [Fact]
    public void The_temp_directory_of_the_tests_and_of_the_processes_they_start_is_the_run_own()
    {
        string? root = RunTempDirectory.Path;

        Assert.NotNull(root);
        Assert.Equal(root, Path.TrimEndingDirectorySeparator(Path.GetTempPath()));
        Assert.Equal(root, Environment.GetEnvironmentVariable("TMPDIR"));
        DirectoryInfo probe = Directory.CreateTempSubdirectory("kvrep-test-probe-");
        probe.Delete();
        Assert.Equal(root, probe.Parent!.FullName);
    }

    [Fact]
    public void A_private_key_at_any_depth_is_found_and_a_folder_left_behind_is_named()
    {
        DirectoryInfo folder = Directory.CreateTempSubdirectory("kvrep-test-keycheck-");
        try
        {
            // Deeper than the four levels the machine-wide scan used to look at.
            string nested = Directory.CreateDirectory(Path.Combine(folder.FullName, "a", "b", "c", "d", "e")).FullName;
            string key = Path.Combine(nested, "client.key");
            File.WriteAllText(key, "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n");

            Assert.Contains(key, SecretLeakGuard.FindPrivateKeysOnDisk());
            Assert.Contains(folder.Name, RunTempDirectory.Leftovers());
        }
        finally
        {
            folder.Delete(recursive: true);
        }

        Assert.DoesNotContain(folder.Name, RunTempDirectory.Leftovers());
    }
}
