using System.Net;
using System.Net.Sockets;
using System.Text;
using KvReplicator.Testing;

namespace KvReplicator.Tests.Serve;

/// <summary>HTTP written by hand over a socket, for what HttpClient will not send: trickles, lies and garbage.</summary>
internal static class RawHttp
{
    /// <summary>How long a test waits for the server to answer and close; longer fails it (Kestrel's default header timeout is 30 s).</summary>
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    /// <summary>The head of a keyed delivery POST, up to and including the blank line, with the given framing headers.</summary>
    public static string DeliveryHead(string framing) =>
        "POST /api/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\naeg-event-type: Notification\r\n" +
        $"X-Kvrep-Key: {ServeTestHost.Key}\r\n{framing}\r\n\r\n";

    /// <summary>Sends <paramref name="request"/> on a new connection and returns whatever comes back until the server closes it.</summary>
    public static async Task<string> ExchangeAsync(Uri server, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, server.Port);
        NetworkStream stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request);
        }
        catch (IOException)
        {
            // The server answered and closed while the rest was still being sent: read what it said.
        }

        return await ReadUntilClosedAsync(stream);
    }

    /// <summary>Whatever the server sends before it closes the connection; fails the test if it is still open after <see cref="Bound"/>.</summary>
    public static async Task<string> ReadUntilClosedAsync(NetworkStream stream)
    {
        using var bound = new CancellationTokenSource(Bound);
        var received = new StringBuilder();
        byte[] buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, bound.Token)) > 0)
            {
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the connection was still open after {Bound}");
        }
        catch (IOException)
        {
            // Reset by the server: cut off, as it should be.
        }

        return received.ToString();
    }

    /// <summary>
    /// Every refusal was logged once, at Warning, by <c>KestrelRejectionLog</c>; nothing at Error, no stack trace,
    /// no "unhandled exception" for what is only a hostile client.
    /// </summary>
    public static void AssertRefusalsLoggedOnceEach(CapturedLogs logs, int refusals, string reason)
    {
        string[] entries = [.. logs.Entries];
        string[] refused = [.. entries.Where(entry => entry.Contains("Refused a request on connection", StringComparison.Ordinal))];
        Assert.True(refused.Length == refusals, $"{refused.Length} refusal lines for {refusals} refusals:\n" + string.Join("\n", refused.Take(5)));
        Assert.All(refused, entry =>
        {
            Assert.StartsWith("Warning ", entry, StringComparison.Ordinal);
            Assert.Contains(reason, entry, StringComparison.Ordinal);
            Assert.EndsWith("| ", entry, StringComparison.Ordinal); // no exception attached
        });
        Assert.DoesNotContain(entries, entry => entry.StartsWith("Error ", StringComparison.Ordinal) || entry.StartsWith("Critical ", StringComparison.Ordinal));
        Assert.DoesNotContain(entries, entry => entry.Contains("   at ", StringComparison.Ordinal) || entry.Contains("unhandled exception", StringComparison.OrdinalIgnoreCase));
    }
}
