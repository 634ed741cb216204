using MaaS.Recommendations.Content;
using MaaS.Recommendations.Interactions;
using MaaS.Services.Recommendations.Catalogue;
using MaaS.Services.Search;
using CatalogItem = MaaS.Storage.Abstractions.CatalogItem;
using ItemKind = MaaS.Storage.Abstractions.ItemKind;

namespace MaaS.Cli.Commands;

/// <summary>
/// <c>maas evaluate --protocol similar-items</c> and <c>--protocol cold-items --embed-titles</c>: what item embeddings
/// add to the content engine. Items are featurised as the gateway's catalogue featurises them
/// (<see cref="CatalogueFeatures"/>) and embedded from the text search embeds (<see cref="LexicalIndex.Document"/>),
/// with the repository's sentence encoder run in process.
/// </summary>
internal static class ContentProtocols
{
    /// <summary>The embedding weights λ each table scores.</summary>
    private static readonly float[] Weights = [0f, 0.2f, 0.4f, 0.5f, 0.6f, 0.8f, 0.9f, 1f];

    /// <summary>
    /// Netflix titles: items carry title, description and kind but not <c>listed_in</c> (the tags are what a neighbour
    /// is judged by); queries are the test split (show id divisible by 5), neighbours come from the whole catalogue.
    /// </summary>
    public static async Task<int> RunSimilarItemsAsync(string dataDirectory, string models, string model, int k, FileInfo? cache)
    {
        if (await NetflixAsync(dataDirectory, models, model, cache).ConfigureAwait(false) is not { } netflix)
        {
            return 2;
        }

        var (items, tags, queries, encoder, vectors) = netflix;
        using var _ = encoder;
        var features = new CatalogueFeatures();
        var plain = items.Select(features.Of).ToList();
        var embedded = plain.Select((c, i) => c with { Embedding = vectors[i] }).ToList();
        var table = new ResultTable($"\"More like this\" on the Netflix titles: {queries.Count:N0} test queries (show id divisible by 5) over {items.Count:N0} titles; "
            + $"features: title + description words + kind (no listed_in); embeddings: {encoder.Name} v{encoder.Version} of title + description; "
            + $"a neighbour counts when it shares a listed_in tag; similarity = (1 − λ) · TF-IDF + λ · embedding cosine");
        table.AddColumns("λ", $"tag P@{k}", "× TF-IDF", "empty lists", "build ms");
        double baseline = 0;
        foreach (float weight in Weights)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var index = ContentIndex.Build(weight == 0f ? plain : embedded, ContentOptions.Default with { EmbeddingWeight = weight });
            long ms = watch.ElapsedMilliseconds;
            var report = SimilarItemsProtocol.TagPrecision(index, tags, queries, k);
            baseline = weight == 0f ? report.Precision : baseline;
            table.AddRow(F(weight), F(report.Precision), baseline > 0 ? (report.Precision / baseline).ToString("0.00", CultureInfo.InvariantCulture) + "x" : "",
                report.EmptyQueries.ToString(CultureInfo.InvariantCulture), ms.ToString(CultureInfo.InvariantCulture));
        }

        table.Write();
        return 0;
    }

    /// <summary>The cold-item table without embeddings, then with embeddings of each title (title + genres as the catalogue would hold it).</summary>
    public static async Task<int> RunColdItemsAsync(
        List<InteractionEvent> train, List<InteractionEvent> test, List<ContentItem> catalogue, string itemsPath, string models, string model, int k, int seed, Recommendations.Hybrid.HybridOptions hybrid, double share)
    {
        using var encoder = await LocalEncoder.LoadAsync(models, model).ConfigureAwait(false);
        if (encoder is null)
        {
            return 2;
        }

        var texts = MovieLensTitles(itemsPath);
        var vectors = Embed(encoder, [.. catalogue.Select(c => texts.GetValueOrDefault(c.Metadata.ItemId, ""))]);
        var embedded = catalogue.Select((c, i) => c with { Embedding = vectors[i] }).ToList();
        var split = ColdItemProtocol.Split(train, test, share, seed);
        var table = new ResultTable($"Cold-item protocol on ml-100k ({split.ColdItems.Count} of the items held out, seed {seed}), β = {F(hybrid.Beta)}, α = {F(hybrid.ContentWeight)}, "
            + $"slots = {hybrid.NewItemSlots}; content = u.item genres + year, λ = weight of {encoder.Name} embeddings of \"title. genres\" (0 = without)");
        table.AddColumns("λ", "strategy", $"nDCG@{k}", $"R@{k}", $"cold R@{k}", $"cold R@{k} (all items)");
        foreach (float weight in Weights)
        {
            var rows = ColdItemProtocol.Evaluate(split, weight == 0f ? catalogue : embedded, IndexBuildOptions.Default, hybrid, ContentOptions.Default with { EmbeddingWeight = weight }, k);
            foreach (var row in rows.Where(r => r.Name is "content" or "hybrid"))
            {
                table.AddRow(F(weight), row.Name, F(row.All.Ndcg), F(row.All.Recall), F(row.ColdRecall), F(row.ColdRecallAllItems));
            }
        }

        table.Write();
        return 0;
    }

    /// <summary>
    /// Netflix titles searched by sentence embeddings alone (exact cosine over every title's vector, the documents
    /// "more like this" embeds): each <c>listed_in</c> tag's name as a query, a hit is a title carrying that tag; and
    /// each test title's description as a query, a hit is another title sharing a tag with it (the title itself left
    /// out). Queries go as they are and, when the card names one, with its query prefix.
    /// </summary>
    public static async Task<int> RunSearchAsync(string dataDirectory, string models, string model, int k, FileInfo? cache)
    {
        if (await NetflixAsync(dataDirectory, models, model, cache).ConfigureAwait(false) is not { } netflix)
        {
            return 2;
        }

        var (items, tags, queries, encoder, vectors) = netflix;
        using var _ = encoder;
        var tagNames = tags.Values.SelectMany(t => t).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var positions = items.Select((item, i) => (item.ItemId, i)).ToDictionary(p => p.ItemId, p => p.i, StringComparer.Ordinal);
        var descriptions = queries.Select(id => items[positions[id]].Text ?? "").ToList();
        var table = new ResultTable($"Search of the Netflix titles by {encoder.Name} v{encoder.Version} embeddings alone (exact cosine over {items.Count:N0} titles: title + description + kind, no listed_in): "
            + $"{tagNames.Count} tag-name queries (a hit carries the tag) and {queries.Count:N0} test descriptions (a hit shares a listed_in tag; the title itself left out)");
        table.AddColumns("queries", "prefix", $"P@{k}", "embed s");
        string[] prefixes = encoder.QueryPrefix.Length > 0 ? ["", encoder.QueryPrefix] : [""];
        foreach (string prefix in prefixes)
        {
            string shown = prefix.Length == 0 ? "none" : "\"" + prefix.Trim() + "\"";
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var tagVectors = encoder.Embed([.. tagNames.Select(t => prefix + t)]);
            var descriptionVectors = encoder.Embed([.. descriptions.Select(d => prefix + d)]);
            double seconds = watch.Elapsed.TotalSeconds;
            double byTag = tagNames.Select((tag, q) => Top(vectors, tagVectors[q], k, -1).Count(i => tags[items[i].ItemId].Contains(tag, StringComparer.Ordinal)) / (double)k).Average();
            double byDescription = queries.Select((id, q) => Top(vectors, descriptionVectors[q], k, positions[id]).Count(i => tags[items[i].ItemId].Intersect(tags[id], StringComparer.Ordinal).Any()) / (double)k).Average();
            table.AddRow("tag names", shown, F(byTag), F(seconds));
            table.AddRow("descriptions", shown, F(byDescription), "");
        }

        table.Write();
        return 0;
    }

    /// <summary>The <paramref name="k"/> rows of <paramref name="vectors"/> closest to <paramref name="query"/> by dot product (unit vectors: cosine), <paramref name="skip"/> left out.</summary>
    private static IEnumerable<int> Top(float[][] vectors, float[] query, int k, int skip) =>
        Enumerable.Range(0, vectors.Length).Where(i => i != skip)
            .Select(i => (i, score: System.Numerics.Tensors.TensorPrimitives.Dot(vectors[i], query)))
            .OrderByDescending(p => p.score).ThenBy(p => p.i).Take(k).Select(p => p.i);

    /// <summary>
    /// The Netflix protocols' common part: items carry title, description and kind but not <c>listed_in</c> (the tags
    /// are what a result is judged by); queries are the test split (show id divisible by 5); every item embedded from
    /// the text search embeds (<paramref name="cache"/>: read or written, keyed by model and texts). Null after saying why.
    /// </summary>
    private static async Task<(List<CatalogItem> Items, Dictionary<string, string[]> Tags, List<string> Queries, LocalEncoder Encoder, float[][] Vectors)?> NetflixAsync(
        string dataDirectory, string models, string model, FileInfo? cache)
    {
        if (!ContentCorpus.Exists(dataDirectory))
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]No {ContentCorpus.FileName} in {dataDirectory}: pass --data.[/]");
            return null;
        }

        var corpus = ContentCorpus.Load(dataDirectory);
        var titles = NetflixTitles(dataDirectory);
        var items = corpus.Examples.Select(e => titles[e.Id]).ToList();
        var tags = corpus.Examples.ToDictionary(e => e.Id, e => e.Labels.Select(l => corpus.LabelNames[l]).ToArray(), StringComparer.Ordinal);
        var queries = corpus.Examples.Where(e => ContentCorpus.IsTest(e.Id)).Select(e => e.Id).ToList();
        var encoder = await LocalEncoder.LoadAsync(models, model).ConfigureAwait(false);
        if (encoder is null)
        {
            return null;
        }

        return (items, tags, queries, encoder, EmbeddingCache.Embed(encoder, [.. items.Select(LexicalIndex.Document)], cache));
    }

    private static float[][] Embed(LocalEncoder encoder, IReadOnlyList<string> texts) => EmbeddingCache.Embed(encoder, texts, null);

    /// <summary>Netflix rows as catalogue items without their tags: id, title, description, kind.</summary>
    private static Dictionary<string, CatalogItem> NetflixTitles(string dataDirectory) =>
        ContentCorpus.ReadTitles(dataDirectory).ToDictionary(r => r.Id, r => new CatalogItem(r.Id, ItemKind.Movie, r.Title, [], [], r.Description), StringComparer.Ordinal);

    /// <summary>"Title (year). Genre, Genre" per ml-100k item id, as a catalogue entry of it would be embedded.</summary>
    private static Dictionary<string, string> MovieLensTitles(string itemsPath)
    {
        var catalogue = MovieLensCatalogue.Read(itemsPath).ToDictionary(c => c.Metadata.ItemId, StringComparer.Ordinal);
        var titles = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in File.ReadLines(itemsPath, System.Text.Encoding.Latin1))
        {
            var parts = line.Split('|');
            if (parts.Length > 2 && catalogue.TryGetValue(parts[0], out var item))
            {
                titles[parts[0]] = LexicalIndex.Document(new CatalogItem(parts[0], ItemKind.Movie, parts[1], item.Metadata.Genres, []));
            }
        }

        return titles;
    }

    private static string F(double x) => x.ToString("0.####", CultureInfo.InvariantCulture);
}
