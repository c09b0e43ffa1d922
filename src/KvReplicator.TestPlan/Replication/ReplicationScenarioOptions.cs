using System.ComponentModel.DataAnnotations;

namespace KvReplicator.TestPlan.Replication;

/// <summary>The shape of one replication run (test case 1, and <c>kvrep-dev demo</c>).</summary>
public sealed class ReplicationScenarioOptions
{
    [Range(1, 1000, ErrorMessage = "--secrets must be between 1 and 1000.")]
    public int Secrets { get; set; } = 20;

    /// <summary>Each secret gets 1..MaxVersions versions (exactly MaxVersions when <see cref="ExactVersions"/>).</summary>
    [Range(1, 100, ErrorMessage = "--max-versions must be between 1 and 100.")]
    public int MaxVersions { get; set; } = 5;

    public bool ExactVersions { get; set; }

    /// <summary>Seeds the values, lengths, formats and version counts; null picks one (reported, so a run can be repeated).</summary>
    public int? Seed { get; set; }

    /// <summary>Starts every Key Vault secret name; a random run id follows, so runs never collide.</summary>
    [RegularExpression("^[A-Za-z0-9-]{1,40}$", ErrorMessage = "The name prefix may hold 1-40 letters, digits and hyphens.")]
    public string NamePrefix { get; set; } = "kvrep-demo";

    /// <summary>How long to wait for every version to reach Secrets Manager.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the watcher lists versions; it is also the resolution of the measured lag.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Secrets written (and polled) at once; versions of one secret are always written in order.</summary>
    [Range(1, 64)]
    public int Concurrency { get; set; } = 4;

    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        if (Timeout <= TimeSpan.Zero || PollInterval <= TimeSpan.Zero)
        {
            throw new ValidationException("--timeout and the poll interval must be positive.");
        }
    }
}
