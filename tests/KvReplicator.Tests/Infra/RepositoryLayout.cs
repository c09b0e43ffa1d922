namespace KvReplicator.Tests.Infra;

/// <summary>Finds files of the repository from the test's output directory, wherever the tests run.</summary>
internal static class RepositoryLayout
{
    private const string Marker = "KvReplicator.sln";

    public static string Root { get; } = FindRoot();

    public static string InfraDirectory => Path.Combine(Root, "infra");

    public static string PolicyDirectory => Path.Combine(InfraDirectory, "policies");

    /// <summary>IAM policies for operators' verbs (docs/operator-guide.md), held to the module's rules.</summary>
    public static string OperatorPolicyDirectory => Path.Combine(Root, "deploy", "policies", "aws");

    /// <summary>The OpenTofu files of the module, leaving out provider caches.</summary>
    public static IEnumerable<string> TofuFiles() =>
        Directory.EnumerateFiles(InfraDirectory, "*.tf", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}.terraform{Path.DirectorySeparatorChar}", StringComparison.Ordinal));

    private static string FindRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, Marker)))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No {Marker} above {AppContext.BaseDirectory}; the tests must run inside the repository.");
    }
}
