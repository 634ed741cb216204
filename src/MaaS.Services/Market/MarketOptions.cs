namespace MaaS.Services.Market;

/// <summary>
/// The market's settings. The quotas are bound from the <c>Market</c> section (<see cref="SectionName"/>); the gateway
/// fills <see cref="OperatorTenant"/> and <see cref="CatalogueRefreshSeconds"/> from its <c>Auth</c> section
/// (<c>Auth:OperatorTenant</c>, <c>Auth:CatalogueRefreshSeconds</c>), where they are validated.
/// </summary>
internal sealed class MarketOptions
{
    public const string SectionName = "Market";

    /// <summary>Tenant that owns the bundled models (those without a market listing). Default <c>default</c>.</summary>
    public string OperatorTenant { get; set; } = "default";

    /// <summary>How often the listings are re-read from the store (other replicas' changes), in seconds. Default 5.</summary>
    public double CatalogueRefreshSeconds { get; set; } = 5;

    /// <summary>
    /// Most models one tenant may publish (the listings it owns, counted in the market store, so the limit holds across
    /// replicas). Default 50.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxModelsPerTenant { get; set; } = 50;

    /// <summary>
    /// Most bytes of model files (every version of every model, each as uploaded) one tenant's published models may
    /// hold: every replica loads them all. Counted in the market store. Default 2 GiB.
    /// </summary>
    [Range(1024, long.MaxValue)]
    public long MaxBytesPerTenant { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>The quota a publication is checked against.</summary>
    public MarketQuota Quota() => new(MaxModelsPerTenant, MaxBytesPerTenant);
}

/// <summary>Validates <see cref="MarketOptions"/> from its data annotations.</summary>
[OptionsValidator]
internal sealed partial class MarketOptionsValidator : IValidateOptions<MarketOptions>;
