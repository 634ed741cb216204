namespace MaaS.Gateway.Security;

/// <summary>
/// The host's logger factory with each category's logger made once, for the authentication handler: the framework
/// builds a handler per request, and its base class asks the factory for a logger each time. Serilog's factory makes a
/// new logger (a contextual Serilog logger and an event-id cache with its own dictionary) on every call: about a
/// kilobyte and a dictionary's construction per request on every authenticated path (/v1, /v2, gRPC). Singleton;
/// thread-safe; disposing it leaves the host's factory alone.
/// </summary>
internal sealed class PerCategoryLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    private readonly ConcurrentDictionary<string, ILogger> _loggers = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) =>
        _loggers.GetOrAdd(categoryName, static (name, factory) => factory.CreateLogger(name), inner);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
    }
}
