using System.ComponentModel.DataAnnotations;

namespace KvReplicator.Cli.Serve;

/// <summary>How <c>kvrep serve</c> receives Event Grid deliveries. Bound from <c>KvReplicator:Serve</c>.</summary>
public sealed class ServeOptions
{
    public const string SectionName = "KvReplicator:Serve";

    /// <summary>Event Grid's per-event limit is 1 MB; the margin covers a batch envelope and headers of JSON.</summary>
    public const int DefaultMaxBodyBytes = (1024 * 1024) + (64 * 1024);

    /// <summary>
    /// The shared key every delivery must carry in the <c>X-Kvrep-Key</c> header or the <c>code</c> query
    /// parameter. Required unless <see cref="AllowAnonymous"/> is set; at least 32 characters.
    /// </summary>
    public string? DeliveryKey { get; set; }

    /// <summary>Accept deliveries without a key. For local debugging only; never on a reachable address.</summary>
    public bool AllowAnonymous { get; set; }

    /// <summary>The webhook path Event Grid posts to. Default <c>/api/events</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "KvReplicator:Serve:EventsPath is required.")]
    [RegularExpression("^/[A-Za-z0-9/_.-]*$", ErrorMessage = "KvReplicator:Serve:EventsPath must start with '/' and contain only letters, digits and / _ . -")]
    public string EventsPath { get; set; } = "/api/events";

    /// <summary>Larger deliveries are refused with 413 before they are parsed.</summary>
    [Range(1024, 64 * 1024 * 1024, ErrorMessage = "KvReplicator:Serve:MaxBodyBytes must be between 1024 and 67108864.")]
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>How long a stopping host lets deliveries in flight finish. Default 30 s (Event Grid's own timeout).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "KvReplicator:Serve:ShutdownTimeout must be between 0 and 10 minutes.")]
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a client may take to send its request headers before Kestrel drops the connection (slow-header
    /// "slowloris" clients). Event Grid sends them at once. Default 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00", ErrorMessage = "KvReplicator:Serve:RequestHeadersTimeout must be between 1 second and 5 minutes.")]
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The slowest body upload Kestrel tolerates after <see cref="MinRequestBodyGracePeriod"/>, in bytes per
    /// second; slower clients are cut off with 408 so they cannot hold connections open. Default 1024.
    /// </summary>
    [Range(1.0, 1_000_000.0, ErrorMessage = "KvReplicator:Serve:MinRequestBodyBytesPerSecond must be between 1 and 1000000.")]
    public double MinRequestBodyBytesPerSecond { get; set; } = 1024;

    /// <summary>How long a body upload may start slowly before <see cref="MinRequestBodyBytesPerSecond"/> applies. Default 5 s.</summary>
    [Range(typeof(TimeSpan), "00:00:02", "00:01:00", ErrorMessage = "KvReplicator:Serve:MinRequestBodyGracePeriod must be between 2 seconds and 1 minute (Kestrel needs more than one second).")]
    public TimeSpan MinRequestBodyGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The <c>Retry-After</c> sent with a 503, in seconds. Event Grid follows its own schedule; other senders may honour it.</summary>
    [Range(1, 3600, ErrorMessage = "KvReplicator:Serve:RetryAfterSeconds must be between 1 and 3600.")]
    public int RetryAfterSeconds { get; set; } = 10;
}
