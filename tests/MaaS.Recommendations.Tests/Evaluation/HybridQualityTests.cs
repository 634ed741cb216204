namespace MaaS.Recommendations.Tests.Evaluation;

/// <summary>The hybrid gates on the shared ml-100k split (content from u.item); skipped when the data is absent.</summary>
public sealed class HybridQualityTests
{
    [Fact]
    public void Evaluate_DefaultHybridOnSharedSplit_AtLeastCfNdcg()
    {
        var (train, test, catalogue) = Load();
        var cf = ItemIndex.Build(train, IndexBuildOptions.Default, cancellationToken: TestContext.Current.CancellationToken);
        var hybrid = new HybridRecommender(cf, ContentIndex.Build(catalogue), ColdItemProtocol.Counts(train));

        var cfMetrics = OfflineEvaluator.Evaluate(cf, train, test, 10);
        var hybridMetrics = OfflineEvaluator.Evaluate(hybrid, RecommendationStrategy.Hybrid, train, test, 10);

        Assert.True(hybridMetrics.Ndcg >= cfMetrics.Ndcg, $"hybrid nDCG@10 {hybridMetrics.Ndcg:F4} vs CF {cfMetrics.Ndcg:F4}");
        Assert.Equal(cfMetrics.Users, hybridMetrics.Users);
    }

    [Fact]
    public void Tune_OnValidationFoldsOfTrain_ChoosesTheShippedDefault()
    {
        var (train, _, catalogue) = Load();

        var tuning = HybridTuner.Tune(train, catalogue, IndexBuildOptions.Default);

        Assert.True(tuning.Feasible > 0, "the rule admitted no blend");
        Assert.True(HybridTuner.Admits(tuning.Chosen, tuning.Reference));
        Assert.True(tuning.Chosen.Options.NewItemSlots >= HybridTuner.RequiredNewItemSlots);
        Assert.Equal(HybridOptions.Default, tuning.Chosen.Options);
    }

    [Theory]
    [InlineData(42)]
    [InlineData(7)]
    public void ColdItems_HybridRecall_AtLeastThreeTimesPopularity(int seed)
    {
        var (train, test, catalogue) = Load();
        var split = ColdItemProtocol.Split(train, test, 0.1, seed);

        var rows = ColdItemProtocol.Evaluate(split, catalogue, IndexBuildOptions.Default, HybridOptions.Default).ToDictionary(r => r.Name);

        Assert.Equal(168, split.ColdItems.Count);
        Assert.DoesNotContain(split.Train, e => split.ColdItems.Contains(e.ItemId));
        Assert.True(rows["hybrid"].ColdRecall >= 3 * rows["popularity"].ColdRecall, $"cold R@10 hybrid {rows["hybrid"].ColdRecall:F4} vs popularity {rows["popularity"].ColdRecall:F4}");
        Assert.Equal(0, rows["cf"].ColdRecall);
        Assert.True(rows["hybrid"].All.Ndcg >= rows["cf"].All.Ndcg - 0.002, $"all-user nDCG hybrid {rows["hybrid"].All.Ndcg:F4} vs CF {rows["cf"].All.Ndcg:F4}");
    }

    private static (List<InteractionEvent> Train, List<InteractionEvent> Test, List<ContentItem> Catalogue) Load()
    {
        string split = SharedData.Require(Path.Combine("movielens", "ml-100k-split"), "train.tsv", "test.tsv");
        string items = Path.Combine(SharedData.Require(Path.Combine("movielens", "ml-100k"), "u.item"), "u.item");

        return (InteractionFiles.ReadTsv(Path.Combine(split, "train.tsv")), InteractionFiles.ReadTsv(Path.Combine(split, "test.tsv")), MovieLensCatalogue.Read(items));
    }
}
