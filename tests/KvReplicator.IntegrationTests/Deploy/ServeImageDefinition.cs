using System.Text.Json;
using System.Text.RegularExpressions;

namespace KvReplicator.IntegrationTests.Deploy;

/// <summary>
/// What deploy/docker/Dockerfile says about the serve image, read from the file itself so the test that starts
/// the published directory cannot drift from the image: the publish command of the build stage, and the
/// runtime stage's working directory, environment, user and entrypoint.
/// </summary>
internal sealed partial class ServeImageDefinition
{
    private ServeImageDefinition(
        IReadOnlyList<string> publishArguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string> environment,
        string? user,
        IReadOnlyList<string> entrypoint,
        IReadOnlyList<string> exposedPorts,
        int stages)
    {
        PublishArguments = publishArguments;
        WorkingDirectory = workingDirectory;
        Environment = environment;
        User = user;
        Entrypoint = entrypoint;
        ExposedPorts = exposedPorts;
        Stages = stages;
    }

    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string DockerfilePath => Path.Combine(RepositoryRoot, "deploy", "docker", "Dockerfile");

    /// <summary>The arguments after <c>dotnet</c> in the build stage's <c>RUN dotnet publish …</c>.</summary>
    public IReadOnlyList<string> PublishArguments { get; }

    /// <summary>Where the build stage publishes to: the runtime stage copies it to <see cref="WorkingDirectory"/>.</summary>
    public string PublishOutput => PublishArguments[PublishArguments.ToList().FindIndex(a => a is "--output" or "-o") + 1];

    public string WorkingDirectory { get; }

    public IReadOnlyDictionary<string, string> Environment { get; }

    public string? User { get; }

    /// <summary>The exec-form <c>ENTRYPOINT</c> of the runtime stage.</summary>
    public IReadOnlyList<string> Entrypoint { get; }

    public IReadOnlyList<string> ExposedPorts { get; }

    public int Stages { get; }

    public static ServeImageDefinition Read()
    {
        List<(string Keyword, string Arguments)> instructions = Instructions(File.ReadAllLines(DockerfilePath));
        int lastFrom = instructions.FindLastIndex(i => i.Keyword == "FROM");
        IEnumerable<(string Keyword, string Arguments)> runtime = instructions.Skip(lastFrom);

        string publish = instructions.Take(lastFrom).Where(i => i.Keyword == "RUN")
            .Select(i => i.Arguments[Math.Max(0, i.Arguments.IndexOf("dotnet publish", StringComparison.Ordinal))..])
            .Single(arguments => arguments.StartsWith("dotnet publish", StringComparison.Ordinal));
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach ((string _, string arguments) in runtime.Where(i => i.Keyword == "ENV"))
        {
            foreach (Match pair in EnvironmentPair().Matches(arguments))
            {
                environment[pair.Groups["name"].Value] = pair.Groups["value"].Value.Trim('"');
            }
        }

        string entrypoint = runtime.Last(i => i.Keyword == "ENTRYPOINT").Arguments;
        return new ServeImageDefinition(
            publishArguments: publish.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..],
            workingDirectory: runtime.Last(i => i.Keyword == "WORKDIR").Arguments,
            environment: environment,
            user: runtime.LastOrDefault(i => i.Keyword == "USER").Arguments,
            entrypoint: JsonSerializer.Deserialize<string[]>(entrypoint) ?? throw new InvalidDataException("ENTRYPOINT must be in exec form (a JSON array)"),
            exposedPorts: runtime.Where(i => i.Keyword == "EXPOSE").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray(),
            stages: instructions.Count(i => i.Keyword == "FROM"));
    }

    /// <summary>Instructions with continuation lines joined and comments dropped (parser directives included).</summary>
    private static List<(string Keyword, string Arguments)> Instructions(IEnumerable<string> lines)
    {
        var instructions = new List<(string, string)>();
        string pending = string.Empty;
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            if (line.StartsWith('#') || (line.Length == 0 && pending.Length == 0))
            {
                continue;
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].Trim() + " ";
                continue;
            }

            string whole = (pending + line).Trim();
            pending = string.Empty;
            int space = whole.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add((whole[..space].ToUpperInvariant(), whole[(space + 1)..].Trim()));
        }

        return instructions;
    }

    private static string FindRepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KvReplicator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No KvReplicator.sln above {AppContext.BaseDirectory}; the tests must run inside the repository.");
    }

    [GeneratedRegex(@"(?<name>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|\S*)")]
    private static partial Regex EnvironmentPair();
}
