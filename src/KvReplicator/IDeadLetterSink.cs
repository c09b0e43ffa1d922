namespace KvReplicator;

/// <summary>
/// Where rejected deliveries are written, in Event Grid's dead-letter format, for <c>kvrep replay</c> to
/// re-drive once their cause is fixed (see <see cref="IDeadLetterStore"/>, its reading side).
/// </summary>
internal interface IDeadLetterSink
{
    /// <summary>Where dead letters go, for logs; never includes a key or a SAS.</summary>
    string Location { get; }

    /// <summary>
    /// Writes one dead letter under <paramref name="name"/>. Writing the same name again replaces it, so a
    /// redelivered rejection leaves one dead letter, not two.
    /// </summary>
    Task WriteAsync(string name, BinaryData content, CancellationToken cancellationToken = default);
}
