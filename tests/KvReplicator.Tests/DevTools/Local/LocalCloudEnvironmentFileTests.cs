using KvReplicator.DevTools.Local;

namespace KvReplicator.Tests.DevTools.Local;

public sealed class LocalCloudEnvironmentFileTests
{
    private static LocalCloudEnvironmentFile Sample(int processId) => new()
    {
        VaultUri = new Uri("https://127.0.0.1:1234/"),
        VaultName = "localvault",
        CertificateThumbprintSha256 = "AB12",
        AwsRegion = "us-east-1",
        MotoEndpoint = new Uri("http://127.0.0.1:2345"),
        AzuriteConnectionString = "UseDevelopmentStorage=true",
        ServeUrl = new Uri("http://127.0.0.1:3456/"),
        ProcessId = processId,
    };

    [Fact]
    public async Task The_file_is_readable_by_its_owner_only_and_reads_back()
    {
        string path = Path.Combine(Path.GetTempPath(), $"kvrep-env-{Guid.NewGuid():N}", "localcloud.json");
        try
        {
            await Sample(Environment.ProcessId).WriteAsync(path);

            LocalCloudEnvironmentFile? read = await LocalCloudEnvironmentFile.TryReadAsync(path);

            Assert.Equal(Sample(Environment.ProcessId), read);
            if (!OperatingSystem.IsWindows())
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_file_left_by_a_process_that_is_gone_is_ignored()
    {
        string path = Path.Combine(Path.GetTempPath(), $"kvrep-env-{Guid.NewGuid():N}.json");
        try
        {
            await Sample(int.MaxValue).WriteAsync(path);

            Assert.Null(await LocalCloudEnvironmentFile.TryReadAsync(path));
            Assert.Null(await LocalCloudEnvironmentFile.TryReadAsync(path + ".missing"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
