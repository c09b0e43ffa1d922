using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Primitives;

namespace KvReplicator.DependencyInjection;

/// <summary>
/// A view of the host's configuration in which a setting with an empty value is not set. App settings,
/// environment variables and <c>local.settings.json</c> can blank a key but not remove it, and the binder would
/// bind <c>""</c>: a GUID check then fails (<c>KvReplicator__KeyVault__ManagedIdentityClientId=""</c>), a number
/// fails to convert, a list gains an empty entry. Read through this view, a blank setting leaves the option at
/// its default, for every options class alike.
/// </summary>
/// <remarks>
/// Reads go through to the wrapped configuration on every call and its reload token is passed on, so a reload of
/// the host's configuration still reaches <c>IOptionsMonitor</c>.
/// </remarks>
internal static class EmptySettingsAreUnset
{
    internal static IConfiguration Apply(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new ConfigurationBuilder().Add(new Source(configuration)).Build();
    }

    private sealed class Source(IConfiguration configuration) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(configuration);
    }

    private sealed class Provider(IConfiguration configuration) : IConfigurationProvider
    {
        public bool TryGet(string key, out string? value)
        {
            value = configuration[key];
            return !string.IsNullOrEmpty(value);
        }

        public void Set(string key, string? value) => configuration[key] = value;

        public IChangeToken GetReloadToken() => configuration.GetReloadToken();

        public void Load()
        {
            // Nothing to load: every read goes to the wrapped configuration.
        }

        /// <summary>A section whose values are all empty has no key left, so a list or an object stays at its default.</summary>
        public IEnumerable<string> GetChildKeys(IEnumerable<string> earlierKeys, string? parentPath)
        {
            IConfiguration parent = parentPath is null ? configuration : configuration.GetSection(parentPath);
            return parent.GetChildren()
                .Where(child => child.AsEnumerable().Any(setting => !string.IsNullOrEmpty(setting.Value)))
                .Select(child => child.Key)
                .Concat(earlierKeys)
                .OrderBy(key => key, ConfigurationKeyComparer.Instance)
                .ToList();
        }
    }
}
