namespace MaaS.Services.Market;

/// <summary>
/// Which models get series of their own in an operator-wide metrics export (the gateway's <c>/metrics</c>): those
/// every caller may see (bundled and public market models), a question of the market's access rules, not of the
/// exporter. Private and shared market models, and names the registry does not hold (fail closed), are
/// counted together under <see cref="PrivateLabel"/> with an empty version. <c>/metrics</c> is anonymous by default and
/// otherwise open to an admin of any tenant, so a series of its own would tell other tenants a private model's name
/// and traffic; tenants read their own models' counters from the tenant-scoped <c>/v2/models/{name}/stats</c>.
/// Thread-safe.
/// </summary>
internal sealed class ModelSeriesPolicy(ModelRegistry registry, ModelAccess access)
{
    /// <summary>The <c>model</c> label of the aggregate; a model with this very name is counted in it too.</summary>
    public const string PrivateLabel = "private";

    // No key belongs to the empty tenant (tenants are 1-64 characters): what it may see, every caller may see.
    private const string NoTenant = "";

    // Measurements ask on the inference hot path, several per request. A verdict is reused while the model's market
    // listing is the same instance (every publish, share or refresh makes a new one) and for at most a second; each
    // scrape also asks afresh (MayName) before exporting, so a model that stops being public never shows by name.
    private const long CacheMilliseconds = 1000;

    private readonly ConcurrentDictionary<string, Verdict> _recent = new(StringComparer.Ordinal);

    /// <summary>Whether a measurement of <paramref name="model"/> is labelled with its name.</summary>
    public bool MayNameCached(string model)
    {
        long now = Environment.TickCount64;
        object? listing = access.Find(model);
        if (_recent.TryGetValue(model, out var known) && ReferenceEquals(known.Listing, listing) && now - known.At < CacheMilliseconds)
        {
            return known.Named;
        }

        bool named = MayName(model);
        _recent[model] = new Verdict(listing, named, now);
        return named;
    }

    /// <summary>Whether <paramref name="model"/> may have series under its own name now.</summary>
    public bool MayName(string model) =>
        model != PrivateLabel && registry.GetModel(model) is not null && access.CanSee(NoTenant, model);

    private sealed record Verdict(object? Listing, bool Named, long At);
}
