namespace MaaS.Recommendations.Tests.Evaluation;

/// <summary>The library defaults on the shared ml-100k split (microsoft/recommenders' protocol, top-10).</summary>
public sealed class DefaultQualityTests
{
    [Fact]
    public void Evaluate_DefaultOnSharedSplit_BeatsBprAndSar()
    {
        var (train, test) = Load();

        var report = OfflineEvaluator.Evaluate(train, test, IndexBuildOptions.Default, k: 10);

        // SAR: 0.388 / 0.113; BPR: 0.442 / 0.132; LightGCN: 0.418 / 0.122 on this split.
        Assert.True(report.Metrics.Ndcg >= 0.45, $"nDCG@10 {report.Metrics.Ndcg:F4}");
        Assert.True(report.Metrics.Map >= 0.135, $"MAP {report.Metrics.Map:F4}");
        Assert.Equal(943, report.Metrics.Users);
    }

    [Fact]
    public void Evaluate_Int8Weights_LoseAtMostHalfAPointOfNdcg()
    {
        var (train, test) = Load();
        var index = ItemIndex.Build(train, IndexBuildOptions.Default, cancellationToken: TestContext.Current.CancellationToken);
        var int8 = index.WithPrecision(WeightPrecision.Int8);

        var full = OfflineEvaluator.Evaluate(index, train, test, 10);
        var compressed = OfflineEvaluator.Evaluate(int8, train, test, 10);

        Assert.True(full.Ndcg - compressed.Ndcg <= 0.005, $"float32 {full.Ndcg:F4}, int8 {compressed.Ndcg:F4}");
        Assert.True(int8.NeighbourBytes < index.NeighbourBytes * 0.65, $"{int8.NeighbourBytes} vs {index.NeighbourBytes} bytes");
    }

    private static (List<MaaS.Recommendations.Interactions.InteractionEvent> Train, List<MaaS.Recommendations.Interactions.InteractionEvent> Test) Load()
    {
        string split = SharedData.Require(Path.Combine("movielens", "ml-100k-split"), "train.tsv", "test.tsv");
        return (InteractionFiles.ReadTsv(Path.Combine(split, "train.tsv")), InteractionFiles.ReadTsv(Path.Combine(split, "test.tsv")));
    }
}
