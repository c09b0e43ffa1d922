using Cronos;
using KvReplicator.Reconciliation;
using Microsoft.Extensions.Options;

namespace KvReplicator.Cli.Serve;

/// <summary>
/// Fails <c>kvrep serve</c>'s start on a schedule it could not run, naming the setting, instead of a background
/// service dying later. The format is the Functions timer's NCRONTAB (six fields, seconds first), so one
/// setting means the same on both hosts.
/// </summary>
internal sealed class ReconcileScheduleValidator : IValidateOptions<ReconcileOptions>
{
    public ValidateOptionsResult Validate(string? name, ReconcileOptions options)
    {
        try
        {
            Parse(options.Schedule);
            return ValidateOptionsResult.Success;
        }
        catch (CronFormatException ex)
        {
            return ValidateOptionsResult.Fail(
                $"KvReplicator:Reconcile:Schedule '{options.Schedule}' is not an NCRONTAB expression with six fields, seconds first (e.g. \"0 0 */6 * * *\"): {ex.Message}");
        }
    }

    /// <exception cref="CronFormatException">Not six cron fields.</exception>
    public static CronExpression Parse(string? schedule) =>
        CronExpression.Parse(schedule ?? string.Empty, CronFormat.IncludeSeconds);
}
