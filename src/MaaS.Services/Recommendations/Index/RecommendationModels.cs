using MaaS.Models.Telemetry;

namespace MaaS.Services.Recommendations.Index;

/// <summary>
/// The registry of item-CF indexes: a <see cref="ModelRegistry"/> over the writable folder <c>&lt;data&gt;/models</c>
/// (never the repository's read-only <c>models/</c>) with the <c>itemcf</c> loader, one model per tenant
/// (<c>itemcf-&lt;tenant&gt;</c>). A rebuild writes a new version folder and loads it; the registry swaps it in
/// atomically and in-flight requests finish on the version they leased. Thread-safe.
/// </summary>
internal sealed class RecommendationModels : IAsyncDisposable
{
    public RecommendationModels(DataDirectory data, ItemCfModelLoader loader, ModelMetrics metrics, ILogger<ModelRegistry> logger)
    {
        Root = Path.Combine(data.Path, "models");
        Directory.CreateDirectory(Root);
        // Named apart from the served models' registry: at start it finds no index until the first build writes one.
        Registry = new ModelRegistry(Options.Create(new ServingOptions { RepositoryPath = Root }), [loader], metrics, logger,
            name: "Recommendation indexes (built per tenant after start)");
    }

    /// <summary>Absolute path of the writable repository.</summary>
    public string Root { get; }

    public ModelRegistry Registry { get; }

    /// <summary>Tenant keys are letters, digits, '-', '_' and '.', so the name is a safe folder name.</summary>
    public static string ModelName(string tenant) => "itemcf-" + tenant;

    /// <summary>A lease on the tenant's serving index; the caller disposes it. Fails when none is built yet.</summary>
    public Result<ModelLease> Acquire(string tenant) => Registry.Acquire(ModelName(tenant));

    public ValueTask DisposeAsync() => Registry.DisposeAsync();
}
