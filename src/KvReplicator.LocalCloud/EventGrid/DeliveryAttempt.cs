using System.Net;

namespace KvReplicator.LocalCloud.EventGrid;

/// <summary>How one HTTP attempt ended, in the terms Event Grid's dead-letter records use.</summary>
internal sealed record DeliveryAttempt(bool Succeeded, bool Retryable, string Outcome, int? HttpStatusCode, DateTimeOffset Time)
{
    // Event Grid gives up at once on these webhook answers: a retry cannot fix a bad request or a refusal.
    private static readonly HashSet<int> s_notRetried = [400, 401, 403, 404, 413];

    public static DeliveryAttempt FromStatus(HttpStatusCode status, DateTimeOffset time)
    {
        int code = (int)status;
        if (code is >= 200 and < 300)
        {
            return new(true, false, "Success", code, time);
        }

        string outcome = status == System.Net.HttpStatusCode.RequestTimeout ? "TimedOut" : status.ToString();
        return new(false, !s_notRetried.Contains(code), outcome, code, time);
    }

    public static DeliveryAttempt TimedOut(DateTimeOffset time) => new(false, true, "TimedOut", null, time);

    public static DeliveryAttempt ConnectionFailed(DateTimeOffset time) => new(false, true, "GenericError", null, time);

    /// <summary>
    /// Event Grid reports a 400 as <c>UndeliverableDueToHttpBadRequest</c>; the other codes it does not retry
    /// follow the same pattern here.
    /// </summary>
    public string UndeliverableReason => $"UndeliverableDueToHttp{Outcome}";
}
