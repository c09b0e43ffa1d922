using System.Net;
using KvReplicator.DevTools.Local;

namespace KvReplicator.Tests.DevTools.Local;

public sealed class LocalStsExchangeHandlerTests
{
    private const string Exchange = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fx&DurationSeconds=900&WebIdentityToken=t";

    [Fact]
    public async Task Asks_sts_for_sessions_of_the_local_lifetime_and_keeps_the_rest_of_the_request()
    {
        var exchange = new LocalStsExchange(TimeSpan.FromSeconds(3));
        var sts = new RecordingHandler(HttpStatusCode.OK);
        using var client = new HttpClient(new LocalStsExchangeHandler(exchange) { InnerHandler = sts });

        using HttpResponseMessage response = await client.PostAsync("http://127.0.0.1:9/", new StringContent(Exchange, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Exchange.Replace("DurationSeconds=900", "DurationSeconds=3", StringComparison.Ordinal), sts.LastBody);
        Assert.Equal("application/x-www-form-urlencoded", sts.LastMediaType);
        Assert.Equal(1, exchange.SessionsIssued);
    }

    [Fact]
    public async Task A_refused_exchange_is_access_denied_without_reaching_sts_until_admitted_again()
    {
        var exchange = new LocalStsExchange(TimeSpan.FromSeconds(2));
        var sts = new RecordingHandler(HttpStatusCode.OK);
        using var client = new HttpClient(new LocalStsExchangeHandler(exchange) { InnerHandler = sts });

        exchange.Refuse();
        using HttpResponseMessage refused = await client.PostAsync("http://127.0.0.1:9/", new StringContent(Exchange));
        exchange.Admit();
        using HttpResponseMessage admitted = await client.PostAsync("http://127.0.0.1:9/", new StringContent(Exchange));

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("<Code>AccessDenied</Code>", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, admitted.StatusCode);
        Assert.Equal(1, sts.Calls);
        Assert.Equal(1, exchange.ExchangesRefused);
        Assert.Equal(1, exchange.SessionsIssued);
    }

    [Theory]
    [InlineData("Action=X&DurationSeconds=900&B=1", "Action=X&DurationSeconds=5&B=1")]
    [InlineData("Action=X", "Action=X&DurationSeconds=5")]
    public void The_duration_is_replaced_or_added(string form, string expected) =>
        Assert.Equal(expected, LocalStsExchangeHandler.WithDuration(form, TimeSpan.FromSeconds(5)));

    [Fact]
    public void Lifetimes_are_whole_seconds_of_at_least_two()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LocalStsExchange(TimeSpan.FromSeconds(1)));
        Assert.Equal(TimeSpan.FromSeconds(3), new LocalStsExchange(TimeSpan.FromSeconds(2.2)).SessionLifetime);
    }

    private sealed class RecordingHandler(HttpStatusCode status) : HttpMessageHandler
    {
        public int Calls { get; private set; }

        public string? LastBody { get; private set; }

        public string? LastMediaType { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Calls++;
            LastBody = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
            LastMediaType = request.Content?.Headers.ContentType?.MediaType;
            return new HttpResponseMessage(status);
        }
    }
}
