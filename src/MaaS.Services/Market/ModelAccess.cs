using System.Collections.Frozen;
using Microsoft.Extensions.Hosting;

namespace MaaS.Services.Market;

/// <summary>
/// Who may see and who owns each model, from an in-memory copy of the market listings (re-read every
/// <see cref="MarketOptions.CatalogueRefreshSeconds"/>, updated at once by this replica's own changes). Rules: a listed
/// model follows its listing; a published model whose listing this replica has not seen yet (model.json owner
/// <c>tenant:&lt;t&gt;</c>) is visible to its owner only (fail closed); a model with neither (bundled) is public and
/// owned by the operator tenant. A name that is neither listed nor in the registry is seen by the operator tenant only
/// (who may load a folder added since the last poll): to every other tenant no model and another tenant's private
/// model look alike. Lock-free reads; thread-safe.
/// </summary>
internal sealed partial class ModelAccess(
    IModelMarketStore store, ModelRegistry registry, IOptions<MarketOptions> options, ILogger<ModelAccess> logger)
{
    /// <summary>model.json <c>owner</c> prefix marking a model published through the market.</summary>
    public const string OwnerPrefix = ModelConfig.TenantOwnerPrefix;

    private volatile FrozenDictionary<string, ModelListing> _listings = FrozenDictionary<string, ModelListing>.Empty;

    public ModelListing? Find(string name) => _listings.GetValueOrDefault(name);

    public bool CanSee(string tenant, string name)
    {
        if (_listings.TryGetValue(name, out var listing))
        {
            return listing.IsVisibleTo(tenant);
        }

        // On every request's path: the config alone, not the ModelInfo that GetModel builds.
        if (!registry.TryGetConfig(name, out var config))
        {
            return string.Equals(tenant, options.Value.OperatorTenant, StringComparison.Ordinal);
        }

        return Marked(config) is not { } owner || owner == tenant;
    }

    public string OwnerOf(string name) => Find(name)?.Owner ?? MarkedOwner(name) ?? options.Value.OperatorTenant;

    public bool IsOwner(string tenant, string name) => string.Equals(OwnerOf(name), tenant, StringComparison.Ordinal);

    /// <summary>The owner a published model's model.json names (<c>tenant:&lt;t&gt;</c>), or null for a bundled model.</summary>
    public string? MarkedOwner(string name) => registry.TryGetConfig(name, out var config) ? Marked(config) : null;

    private static string? Marked(ModelConfig? config) =>
        config?.Owner is { } owner && owner.StartsWith(OwnerPrefix, StringComparison.Ordinal) ? owner[OwnerPrefix.Length..] : null;

    /// <summary>Re-reads every listing; a failed read keeps the last good copy.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var all = await store.ListAllAsync(cancellationToken).ConfigureAwait(false);
        if (!all.IsSuccess)
        {
            LogRefreshFailed(logger, all.Error.Message);
            return;
        }

        _listings = all.Value.ToFrozenDictionary(l => l.Name, StringComparer.Ordinal);
    }

    public void Set(ModelListing listing) => _listings = _listings.Where(kv => kv.Key != listing.Name)
        .Append(KeyValuePair.Create(listing.Name, listing)).ToFrozenDictionary(StringComparer.Ordinal);

    public void Remove(string name) => _listings = _listings.Where(kv => kv.Key != name).ToFrozenDictionary(StringComparer.Ordinal);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Model market listings could not be refreshed ({Reason}); keeping the last copy")]
    private static partial void LogRefreshFailed(ILogger logger, string reason);
}

/// <summary>Loads the listings at start, then refreshes them periodically (other replicas' publications and shares).</summary>
internal sealed class ModelAccessRefresher(ModelAccess access, IOptions<MarketOptions> options, TimeProvider time) : BackgroundService
{
    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await access.RefreshAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.CatalogueRefreshSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await access.RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
