namespace MaaS.Services.Recommendations.Index;

/// <summary>
/// What a build saw besides the similarities (<c>stats.json</c> next to the artifact): events per item, for novelty
/// (-log2 popularity) in user analysis. Immutable once loaded.
/// </summary>
/// <param name="Events">Events read (all types).</param>
/// <param name="Users">Distinct users and sessions.</param>
/// <param name="BuiltAt">When the build started.</param>
/// <param name="ItemEvents">Events per item id.</param>
internal sealed record IndexStats(long Events, int Users, DateTimeOffset BuiltAt, Dictionary<string, int> ItemEvents)
{
    public const string FileName = "stats.json";

    /// <summary>Mean -log2 p(item) over all events: what a typical event's novelty is.</summary>
    [JsonIgnore]
    public double? MeanNoveltyBits
    {
        get
        {
            if (Events == 0)
            {
                return null;
            }

            double total = 0;
            foreach (int count in ItemEvents.Values)
            {
                total += count * -Math.Log2((double)count / Events);
            }

            return total / Events;
        }
    }

    public static IndexStats Read(string path) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(path), IndexStatsJsonContext.Default.IndexStats)
        ?? throw new InvalidDataException("stats.json is empty.");

    public void Write(string path) => File.WriteAllBytes(path, JsonSerializer.SerializeToUtf8Bytes(this, IndexStatsJsonContext.Default.IndexStats));
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IndexStats))]
internal sealed partial class IndexStatsJsonContext : JsonSerializerContext;
