using MaaS.Recommendations.Artifacts;

namespace MaaS.Services.Recommendations.Index;

/// <summary>
/// Loads format <c>itemcf</c> versions: the checksummed index artifact and its stats.json. Registered here, not by
/// MaaS.Models, so MaaS.Models never depends on MaaS.Recommendations.
/// </summary>
internal sealed class ItemCfModelLoader : IModelLoader
{
    public const string FormatName = "itemcf";

    public string Format => FormatName;

    public ValueTask<ILoadedModel> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        var read = ItemIndexArtifact.Load(Path.Combine(context.VersionDirectory, ItemIndexArtifact.FileName));
        if (read.Index is null)
        {
            throw new InvalidDataException($"item-CF artifact unreadable: {read.Error}: {read.Detail}");
        }

        string statsPath = Path.Combine(context.VersionDirectory, IndexStats.FileName);
        var stats = File.Exists(statsPath) ? IndexStats.Read(statsPath) : new IndexStats(0, 0, DateTimeOffset.MinValue, []);
        return ValueTask.FromResult<ILoadedModel>(new ItemCfModel(read.Index, stats));
    }
}
