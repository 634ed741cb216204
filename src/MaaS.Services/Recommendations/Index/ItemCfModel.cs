namespace MaaS.Services.Recommendations.Index;

/// <summary>A loaded item-CF index version (format <c>itemcf</c>): the index plus the popularity statistics of its build. Immutable, thread-safe.</summary>
internal sealed class ItemCfModel(ItemIndex index, IndexStats stats) : ILoadedModel
{
    public ItemIndex Index { get; } = index;

    public IndexStats Stats { get; } = stats;

    public string Platform => "maas_itemcf";

    public IReadOnlyDictionary<string, string> Properties { get; } = new Dictionary<string, string>
    {
        ["items"] = index.ItemCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["neighbours"] = index.NeighbourCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["events"] = stats.Events.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["users"] = stats.Users.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["build"] = index.Description,
    };

    public void Dispose()
    {
    }
}
