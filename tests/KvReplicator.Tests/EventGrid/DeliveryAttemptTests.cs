using System.Net;
using KvReplicator.LocalCloud.EventGrid;

namespace KvReplicator.Tests.EventGrid;

public sealed class DeliveryAttemptTests
{
    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.Conflict)]
    public void Transient_answers_are_retried(HttpStatusCode status)
    {
        DeliveryAttempt attempt = DeliveryAttempt.FromStatus(status, DateTimeOffset.UnixEpoch);

        Assert.False(attempt.Succeeded);
        Assert.True(attempt.Retryable);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "UndeliverableDueToHttpBadRequest")]
    [InlineData(HttpStatusCode.Unauthorized, "UndeliverableDueToHttpUnauthorized")]
    [InlineData(HttpStatusCode.Forbidden, "UndeliverableDueToHttpForbidden")]
    [InlineData(HttpStatusCode.NotFound, "UndeliverableDueToHttpNotFound")]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, "UndeliverableDueToHttpRequestEntityTooLarge")]
    public void Refusals_are_not_retried(HttpStatusCode status, string reason)
    {
        DeliveryAttempt attempt = DeliveryAttempt.FromStatus(status, DateTimeOffset.UnixEpoch);

        Assert.False(attempt.Retryable);
        Assert.Equal(reason, attempt.UndeliverableReason);
        Assert.Equal((int)status, attempt.HttpStatusCode);
    }

    [Fact]
    public void Any_2xx_is_a_success()
    {
        Assert.True(DeliveryAttempt.FromStatus(HttpStatusCode.Accepted, DateTimeOffset.UnixEpoch).Succeeded);
    }

    [Fact]
    public void Timeouts_are_reported_as_Event_Grid_names_them()
    {
        Assert.Equal("TimedOut", DeliveryAttempt.FromStatus(HttpStatusCode.RequestTimeout, DateTimeOffset.UnixEpoch).Outcome);
        Assert.Equal("TimedOut", DeliveryAttempt.TimedOut(DateTimeOffset.UnixEpoch).Outcome);
    }
}
