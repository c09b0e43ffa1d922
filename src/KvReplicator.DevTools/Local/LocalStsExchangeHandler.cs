using System.Globalization;
using System.Net;
using System.Text;

namespace KvReplicator.DevTools.Local;

/// <summary>
/// LOCAL ONLY: sits on the replicator's STS HttpClient (<c>KvReplicator.Sts</c>) in front of moto. It asks moto for
/// sessions of <see cref="LocalStsExchange.SessionLifetime"/> by rewriting the request's <c>DurationSeconds</c>
/// (the exchange is authorised by the token, not signed, so the body may change), and while the exchange is
/// refused it answers as STS does for a denied <c>AssumeRoleWithWebIdentity</c> — HTTP 403 <c>AccessDenied</c> —
/// without reaching moto. Everything else, including moto's answer, passes through untouched.
/// </summary>
internal sealed class LocalStsExchangeHandler(LocalStsExchange exchange) : DelegatingHandler
{
    private const string DeniedBody =
        """<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRoleWithWebIdentity</Message></Error><RequestId>local-sts-refused</RequestId></ErrorResponse>""";

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (exchange.IsRefusing)
        {
            exchange.CountRefused();
            return new HttpResponseMessage(HttpStatusCode.Forbidden)
            {
                RequestMessage = request,
                Content = new StringContent(DeniedBody, Encoding.UTF8, "text/xml"),
            };
        }

        if (request.Content is not null)
        {
            string form = await request.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            string mediaType = request.Content.Headers.ContentType?.MediaType ?? "application/x-www-form-urlencoded";
            request.Content = new StringContent(WithDuration(form, exchange.SessionLifetime), Encoding.UTF8, mediaType);
        }

        HttpResponseMessage response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            exchange.CountIssued();
        }

        return response;
    }

    /// <summary>The form with its <c>DurationSeconds</c> parameter set to <paramref name="lifetime"/>; other parameters are kept as sent.</summary>
    internal static string WithDuration(string form, TimeSpan lifetime)
    {
        string duration = "DurationSeconds=" + ((long)lifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        string[] parameters = form.Split('&', StringSplitOptions.RemoveEmptyEntries);
        bool replaced = false;
        for (int i = 0; i < parameters.Length; i++)
        {
            if (parameters[i].StartsWith("DurationSeconds=", StringComparison.Ordinal))
            {
                parameters[i] = duration;
                replaced = true;
            }
        }

        return replaced ? string.Join('&', parameters) : string.Join('&', [.. parameters, duration]);
    }
}
