using System.ComponentModel.DataAnnotations;
using KvReplicator.TestPlan.Replication;

namespace KvReplicator.TestPlan.Cases;

/// <summary>Sizes and budgets of a test-plan run. Defaults fit a laptop in about a minute; CI passes smaller ones.</summary>
public sealed class TestPlanOptions
{
    /// <summary>Case 1 (and the lag of case 5).</summary>
    public ReplicationScenarioOptions Replication { get; set; } = new() { Secrets = 10, MaxVersions = 4, NamePrefix = "kvrep-tp" };

    /// <summary>Case 2: extra deliveries of one event.</summary>
    [Range(1, 100)]
    public int Redeliveries { get; set; } = 3;

    /// <summary>Case 3: credential refreshes replication must survive.</summary>
    [Range(1, 20)]
    public int CredentialRefreshes { get; set; } = 2;

    /// <summary>Case 4: updates of one secret.</summary>
    [Range(2, 100)]
    public int Updates { get; set; } = 5;

    /// <summary>Case 5: the p95 lag that still passes.</summary>
    public TimeSpan LagBudget { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Case 6: versions written in a burst under throttling.</summary>
    [Range(2, 200)]
    public int BurstVersions { get; set; } = 10;

    /// <summary>Case 6: fraction of Secrets Manager calls throttled during the burst.</summary>
    [Range(0.0, 0.9)]
    public double ThrottleRate { get; set; } = 0.3;

    /// <summary>Case 6: how long credentials stay broken (deliveries fail and are retried meanwhile).</summary>
    public TimeSpan BrokenFor { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Leave the secrets the plan created.</summary>
    public bool Keep { get; set; }

    public void Validate()
    {
        Validator.ValidateObject(this, new ValidationContext(this), validateAllProperties: true);
        Replication.Validate();
    }
}
