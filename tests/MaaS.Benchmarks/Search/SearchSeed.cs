using MaaS.Services.Search;
using MaaS.Storage.Abstractions;
using MaaS.Storage.Hosting;

namespace MaaS.Benchmarks.Search;

/// <summary>
/// Seeds a gateway's SQLite data folder for <c>load/search.sh</c>: <c>--items</c> synthetic items built from the Netflix
/// titles as <see cref="SearchScaleTest"/> builds them (item i is title i mod 8,807 with a variant number, its
/// description as text), written through the catalogue store the gateway reads (<see cref="ICatalogStore.UpsertAsync"/>),
/// and their synthetic vectors (<see cref="SearchScaleTest.Embed"/>) through the same store's
/// <see cref="ICatalogStore.PutEmbeddingsAsync"/>, stamped with the model, version and text hash the search service
/// checks, exactly as if the service had embedded them: it restores them at start instead of running the encoder
/// over 100,000 texts (hours on these cores). Queries (the test titles, show id divisible by 5) go to
/// <c>--queries</c>, one per line, for the wrk script. Usage:
/// <c>search-seed --data DIR --queries FILE [--items 100000] [--model all-minilm-l6-v2] [--version 1]</c>.
/// </summary>
internal static class SearchSeed
{
    private const string Tenant = "default";

    public static async Task<int> RunAsync(string[] args)
    {
        int count = ConsoleRuns.Option(args, "--items", 100_000);
        int version = ConsoleRuns.Option(args, "--version", 1);
        string data = Text(args, "--data") ?? throw new ArgumentException("--data DIR is required");
        string queriesFile = Text(args, "--queries") ?? throw new ArgumentException("--queries FILE is required");
        string model = Text(args, "--model") ?? new SearchOptions().EmbeddingModel;
        var titles = ContentCorpus.ReadTitles(SharedData.Require("content", ContentCorpus.FileName));
        Directory.CreateDirectory(data);
        var opened = await StorageFactory.OpenAsync(new StorageOptions { Sqlite = { Path = DataLocation.DatabasePath(data) } });
        if (!opened.TryGetValue(out var storage, out var error))
        {
            Console.Error.WriteLine($"cannot open the store: {error.Message}");
            return 1;
        }

        await using (storage)
        {
            var clock = Stopwatch.StartNew();
            var vector = new float[SearchScaleTest.Dimensions];
            foreach (var chunk in Enumerable.Range(0, count).Chunk(StorageLimits.MaxBatchSize))
            {
                var items = chunk.Select(i =>
                {
                    var (_, title, description) = titles[i % titles.Count];
                    return new CatalogItem($"s{i:D6}", ItemKind.Movie, $"{Clean(title)} {(i / titles.Count) + 1}", [], [], Clean(description));
                }).ToArray();
                var upserted = await storage.Catalog.UpsertAsync(Tenant, items);
                var rows = items.Select(item =>
                {
                    string document = LexicalIndex.Document(item);
                    SearchScaleTest.Embed(document, vector, noiseSeed: -1);
                    return new ItemEmbedding(item.ItemId, model, version, ItemVector.HashOf(document), [.. vector]);
                }).ToArray();
                var put = await storage.Catalog.PutEmbeddingsAsync(Tenant, rows);
                if (!upserted.TryGetValue(out _, out var refused) || !put.TryGetValue(out _, out refused))
                {
                    Console.Error.WriteLine($"seeding failed: {refused.Message}");
                    return 1;
                }
            }

            var queries = titles.Where(t => ContentCorpus.IsTest(t.Id)).Select(t => Clean(t.Title).Replace('"', '\'').Replace('\\', ' '));
            await File.WriteAllLinesAsync(queriesFile, queries);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {count:N0} items with {model} v{version} vectors into {data} in {clock.Elapsed.TotalSeconds:F1} s; queries in {queriesFile}"));
        }

        return 0;
    }

    // The catalogue refuses control characters, which a few titles carry (the in-process benchmark never validates them).
    private static string Clean(string text) => string.Create(text.Length, text, static (span, source) =>
    {
        for (int i = 0; i < span.Length; i++)
        {
            span[i] = char.IsControl(source[i]) ? ' ' : source[i];
        }
    });

    private static string? Text(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
