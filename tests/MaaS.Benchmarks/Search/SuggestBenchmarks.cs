using MaaS.Recommendations.Search;
using MaaS.Services.Recommendations.Catalogue;
using MaaS.Services.Recommendations.Tenants;
using MaaS.Services.Search.Suggest;
using MaaS.Storage.Abstractions;

namespace MaaS.Benchmarks.Search;

/// <summary>
/// One <c>/v1/search/suggest</c> call without HTTP (validation, the title index's search for the best 8, their
/// highlights) over the real Netflix titles (8,807) and a synthetic 100,000-title catalogue (1 to 5 words drawn at
/// random from the Netflix titles' words, seeded): 1-, 2- and 3-letter prefixes (the broadest a search box sends), a
/// whole word then a prefix, and the same with a typo in each word. The index's size per title is printed at setup
/// (arrays and vocabulary, and the managed heap's growth over the build). <see cref="ViewAnswer"/> is the same call as
/// a request makes it since branch mend3: through the tenant's <see cref="SuggestView"/>, whose cache answers a one- or
/// two-character word without matching after its first call. Usage:
/// <c>dotnet run -c Release --project tests/MaaS.Benchmarks -- --filter '*SuggestBenchmarks*' --job short</c>.
/// </summary>
[MemoryDiagnoser]
public class SuggestBenchmarks
{
    private TitleIndex _index = null!;
    private SuggestView _view = null!;
    private ValidSuggest _query = null!;

    [Params("netflix", "synthetic-100k")]
    public string Catalogue { get; set; } = "netflix";

    [Params("s", "st", "str", "love sto", "lvoe stroy")]
    public string Query { get; set; } = "s";

    [GlobalSetup]
    public void Setup()
    {
        var titles = ContentCorpus.ReadTitles(SharedData.Require("content", ContentCorpus.FileName));
        List<CatalogItem> items;
        if (Catalogue == "netflix")
        {
            items = [.. titles.Select(t => new CatalogItem(t.Id, ItemKind.Movie, t.Title, [], []))];
        }
        else
        {
            var words = titles.SelectMany(t => SearchTokens.Words(t.Title).Select(w => t.Title.Substring(w.Start, w.Length))).ToArray();
            var random = new Random(7);
            items = [.. Enumerable.Range(0, 100_000).Select(i => new CatalogItem(
                $"t{i:D6}", ItemKind.Movie, string.Join(' ', Enumerable.Range(0, random.Next(1, 6)).Select(_ => words[random.Next(words.Length)])), [], []))];
        }

        items.Sort(static (a, b) => string.CompareOrdinal(a.ItemId, b.ItemId));
        long before = GC.GetTotalMemory(forceFullCollection: true);
        _index = TitleIndex.Build(items, id => id.Length % 7);
        long grown = GC.GetTotalMemory(forceFullCollection: true) - before;
        Console.WriteLine(
            $"// {Catalogue}: {_index.Count:N0} titles, {_index.Words.Length:N0} distinct words, {(double)_index.Bytes / _index.Count:F0} bytes per title in the index's arrays and vocabulary, managed heap +{(double)grown / _index.Count:F0} bytes per title");
        _query = TitleSuggestions.Validate(Query, SuggestLimits.DefaultCount, null, ["q"]).Value;
        var features = new CatalogueFeatures();
        var snapshot = CatalogueSnapshot.Empty.Applied(
            CatalogueChanges.Of([.. items.Select((item, i) => new CatalogChange(i + 1, item.ItemId, item))], features, featurise: false), features);
        _view = SuggestView.Built(snapshot, id => id.Length % 7, 1);
    }

    /// <summary>What a request computes since mend3: validation and the view's answer (cached for a short word).</summary>
    [Benchmark]
    public int ViewAnswer()
    {
        var query = TitleSuggestions.Validate(Query, SuggestLimits.DefaultCount, null, ["q"]).Value;
        return _view.Answer(query).Count;
    }

    [Benchmark]
    public int Suggest()
    {
        var query = TitleSuggestions.Validate(Query, SuggestLimits.DefaultCount, null, ["q"]).Value;
        var best = new List<TitleMatch>(SuggestLimits.DefaultCount + 1);
        _index.Suggest(query.Words, query.LastIsPrefix, query.Count, null, null, best);
        int spans = 0;
        foreach (var match in best)
        {
            spans += _index.Highlight(match.Ordinal, _query.Words, _query.LastIsPrefix).Count;
        }

        return spans + best.Count;
    }
}
