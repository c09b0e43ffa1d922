using System.Text.RegularExpressions;

namespace KvReplicator.Tests.Infra;

/// <summary>
/// The emulators the tests run against are the same everywhere: scripts/lib/tools.sh names exact versions of
/// Azurite and moto, and every workflow that installs one installs exactly that version.
/// </summary>
public sealed partial class EmulatorVersionPinTests
{
    private static readonly string s_tools = File.ReadAllText(Path.Combine(RepositoryLayout.Root, "scripts", "lib", "tools.sh"));

    [Theory]
    [InlineData("azurite_version")]
    [InlineData("moto_version")]
    public void The_scripts_pin_an_exact_version(string variable)
    {
        Assert.Matches(ExactVersion(), Pinned(variable));
    }

    [Fact]
    public void Every_workflow_install_of_an_emulator_is_the_pinned_version_and_ci_installs_both()
    {
        string moto = $"\"moto[server]=={Pinned("moto_version")}\"";
        string azurite = $"\"azurite@{Pinned("azurite_version")}\"";
        string[] workflows = Directory.GetFiles(Path.Combine(RepositoryLayout.Root, ".github", "workflows"), "*.yml");
        foreach (string workflow in workflows)
        {
            foreach (string line in File.ReadLines(workflow).Where(l => l.Contains("install", StringComparison.Ordinal) && !l.TrimStart().StartsWith('#')))
            {
                if (line.Contains("moto", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.Contains(moto, line, StringComparison.Ordinal);
                }

                if (line.Contains("azurite", StringComparison.OrdinalIgnoreCase))
                {
                    Assert.Contains(azurite, line, StringComparison.Ordinal);
                }
            }
        }

        string ci = File.ReadAllText(workflows.Single(w => Path.GetFileName(w) == "ci.yml"));
        Assert.Contains(moto, ci, StringComparison.Ordinal);
        Assert.Contains(azurite, ci, StringComparison.Ordinal);
    }

    private static string Pinned(string variable)
    {
        Match match = Regex.Match(s_tools, $@"^{variable}=(\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"scripts/lib/tools.sh sets no {variable}");
        return match.Groups[1].Value;
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+$")]
    private static partial Regex ExactVersion();
}
