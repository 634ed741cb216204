namespace MaaS.Recommendations.Tests.Ranking;

/// <summary>Two taste clusters (m0..m5 movies, s0..s5 songs) and one blockbuster everybody watched.</summary>
internal static class TinyCatalogue
{
    public static readonly IndexBuildOptions Cosine = new(new WeightingOptions(), new SimilarityOptions(SimilarityMeasure.Cosine, TopK: 20));

    public static List<InteractionEvent> Events()
    {
        var events = new List<InteractionEvent>();
        var random = new Random(11);
        for (int u = 0; u < 40; u++)
        {
            string prefix = u % 2 == 0 ? "m" : "s";
            for (int i = 0; i < 6; i++)
            {
                if (random.NextDouble() < 0.7)
                {
                    events.Add(new InteractionEvent($"u{u}", $"{prefix}{i}", 1f, 1_000 + u));
                }
            }

            events.Add(new InteractionEvent($"u{u}", "blockbuster", 1f, 1_000 + u));
        }

        return events;
    }

    public static List<ItemMetadata> Metadata()
    {
        var list = new List<ItemMetadata>();
        for (int i = 0; i < 6; i++)
        {
            list.Add(new ItemMetadata($"m{i}", ItemKind.Movie, i % 2 == 0 ? ["drama"] : ["comedy"]));
            list.Add(new ItemMetadata($"s{i}", ItemKind.Song, ["pop"]));
        }

        list.Add(new ItemMetadata("blockbuster", ItemKind.Movie, ["action"]));
        list.Add(new ItemMetadata("never-played", ItemKind.Game, ["puzzle"]));
        return list;
    }

    public static ItemIndex Build(IndexBuildOptions? options = null) => ItemIndex.Build(Events(), options ?? Cosine, Metadata());
}
