namespace MaaS.Services.Recommendations.Tenants;

/// <summary>
/// Told by <see cref="TenantState"/> when what serving reads of a tenant moves, so that what is derived from it (a
/// suggest view) is brought up to date by the writer, off the requests that read it. Called on the writer's thread
/// after the change is visible and outside the state's locks, possibly by two writers at once: an observer reads the
/// state's current values rather than trusting the order of its calls. Registered in DI; thread-safe.
/// </summary>
internal interface ITenantObserver
{
    /// <summary>The tenant's catalogue snapshot was swapped (a feed page applied, a content rebuild, embeddings merged).</summary>
    void CatalogueChanged(TenantState state);

    /// <summary>A new recommendation index serves the tenant (its popularity with it).</summary>
    void IndexServing(TenantState state);
}
