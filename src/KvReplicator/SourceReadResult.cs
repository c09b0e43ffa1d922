namespace KvReplicator;

/// <summary>The answer of <see cref="ISecretSource.ReadVersionAsync"/>.</summary>
internal sealed record SourceReadResult(SourceReadStatus Status, SourceSecretVersion? Secret)
{
    public static SourceReadResult Disabled { get; } = new(SourceReadStatus.Disabled, null);

    public static SourceReadResult NotFound { get; } = new(SourceReadStatus.NotFound, null);

    public static SourceReadResult Managed { get; } = new(SourceReadStatus.Managed, null);

    public static SourceReadResult Found(SourceSecretVersion secret) => new(SourceReadStatus.Found, secret ?? throw new ArgumentNullException(nameof(secret)));
}
