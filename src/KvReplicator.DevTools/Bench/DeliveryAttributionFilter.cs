using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace KvReplicator.DevTools.Bench;

/// <summary>
/// Runs first in the bench's <c>kvrep serve</c>: a request carrying a bench delivery id has its remote calls
/// charged to that delivery and its logged outcomes collected for it, as the direct mode does in process.
/// </summary>
internal sealed class DeliveryAttributionFilter(DeliveryProbes probes, RemoteCallCounter counter) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            if (probes.TryEnter(context.Request.Headers[DeliveryProbes.HeaderName].FirstOrDefault(), out DeliveryProbe? probe))
            {
                using (counter.ChargeTo(probe!.Calls))
                {
                    await nextMiddleware(context).ConfigureAwait(false);
                }
            }
            else
            {
                await nextMiddleware(context).ConfigureAwait(false);
            }
        });
        next(app);
    };
}
