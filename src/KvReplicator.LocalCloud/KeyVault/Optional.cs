namespace KvReplicator.LocalCloud.KeyVault;

/// <summary>A request member that may be absent, which differs from present with a null value.</summary>
internal readonly record struct Optional<T>(bool HasValue, T Value)
{
    public static Optional<T> Of(T value) => new(true, value);

    public T Or(T fallback) => HasValue ? Value : fallback;
}
