namespace KvReplicator.LocalCloud.Emulators;

/// <summary>Finds an emulator program: an environment override, a repository-local install, then PATH.</summary>
internal static class ExecutableLocator
{
    public static string? Find(string overrideVariable, string programName, string? repositoryRelativePath = null)
    {
        string? explicitPath = Environment.GetEnvironmentVariable(overrideVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return File.Exists(explicitPath) ? explicitPath : null;
        }

        if (repositoryRelativePath is not null)
        {
            // Walk up from both the working directory and the binaries, so tests (bin/…) and scripts (repo root) agree.
            foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            {
                for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
                {
                    string candidate = Path.Combine(dir.FullName, repositoryRelativePath);
                    if (File.Exists(candidate))
                    {
                        return candidate;
                    }
                }
            }
        }

        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, programName);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
