namespace MaaS.Recommendations.Tests.Evaluation;

public sealed class RankingEvaluatorTests
{
    [Fact]
    public void Evaluate_SarTop10OnSharedSplit_ReproducesPublishedFigures()
    {
        string split = SharedData.Require(Path.Combine("movielens", "ml-100k-split"), "train.tsv", "test.tsv");
        string sarPath = Path.Combine(split, "sar_top10.tsv");
        if (!File.Exists(sarPath))
        {
            Assert.Skip("sar_top10.tsv not found beside the split.");
        }

        var train = InteractionFiles.ReadTsv(Path.Combine(split, "train.tsv"));
        var truth = InteractionFiles.GroupByUser(InteractionFiles.ReadTsv(Path.Combine(split, "test.tsv")));
        var predictions = File.ReadLines(sarPath)
            .Select(line => line.Split('\t'))
            .GroupBy(p => p[0])
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.OrderBy(p => int.Parse(p[3], System.Globalization.CultureInfo.InvariantCulture)).Select(p => p[1]).ToList());

        var m = RankingEvaluator.Evaluate(truth, predictions, 10, train.Select(e => e.ItemId).Distinct().Count());

        // microsoft/recommenders' SAR notebook on this split: MAP 0.113, nDCG@10 0.388 (to 3 decimals).
        Assert.Equal(0.113, m.Map, 0.0006);
        Assert.Equal(0.388, m.Ndcg, 0.0006);
        Assert.Equal(943, m.Users);
    }

    [Fact]
    public void Evaluate_HandComputedUser_MatchesDefinitions()
    {
        var truth = new Dictionary<string, HashSet<int>> { ["u"] = [1, 3, 9] };
        var predictions = new Dictionary<string, IReadOnlyList<int>> { ["u"] = [1, 2, 3, 4] };

        var m = RankingEvaluator.Evaluate(truth, predictions, 4, catalogueSize: 8);

        double dcg = (1 / Math.Log(2)) + (1 / Math.Log(4));
        double idcg = (1 / Math.Log(2)) + (1 / Math.Log(3)) + (1 / Math.Log(4));
        Assert.Equal(dcg / idcg, m.Ndcg, 1e-12);
        Assert.Equal((1.0 + (2.0 / 3.0)) / 3.0, m.Map, 1e-12);
        Assert.Equal(2.0 / 4.0, m.Precision, 1e-12);
        Assert.Equal(2.0 / 3.0, m.Recall, 1e-12);
        Assert.Equal(4.0 / 8.0, m.Coverage, 1e-12);
    }

    [Fact]
    public void Evaluate_UserWithoutPredictions_IsNotAveraged()
    {
        var truth = new Dictionary<string, HashSet<int>> { ["a"] = [1], ["b"] = [2] };
        var predictions = new Dictionary<string, IReadOnlyList<int>> { ["a"] = [1] };

        var m = RankingEvaluator.Evaluate(truth, predictions, 10);

        Assert.Equal(1, m.Users);
        Assert.Equal(1.0, m.Ndcg, 1e-12);
    }
}
