namespace KvReplicator.Tests.TestData;

/// <summary>Reads the real-shaped sample payloads copied next to the test binaries.</summary>
internal static class TestDataFile
{
    public static BinaryData Read(string relativePath) =>
        BinaryData.FromBytes(File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "TestData", relativePath)));
}
