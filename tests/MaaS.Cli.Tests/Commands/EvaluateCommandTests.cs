using System.Globalization;
using MaaS.Recommendations;
using MaaS.Recommendations.Evaluation;
using MaaS.Recommendations.Hybrid;
using MaaS.Services.Recommendations;
using MaaS.Services.Recommendations.Evaluation;

namespace MaaS.Cli.Tests.Commands;

public sealed partial class EvaluateCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task Evaluate_SmallSplit_PrintsTheMetricsOfTheServingPath()
    {
        var (train, test) = WriteClusteredSplit();

        var run = await MaasCli.RunAsync("evaluate", "--train", train, "--test", test, "--preset", "default", "--top", "5");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("train 240 events, test 80 events, K = 5", run.Output);
        // The ratings ranked as POST /v1/recommend ranks them (rate events, the service's default settings).
        var expected = new ServingEvaluator(new RecommendationOptions()).Evaluate(
            ServingEvaluator.AsRateEvents(InteractionFiles.ReadTsv(train)), ServingEvaluator.AsRateEvents(InteractionFiles.ReadTsv(test)),
            RecommendationStrategy.CollaborativeFiltering, k: 5, IndexBuildOptions.Preset("default")).Metrics;
        string[] row = Row(run, "default");
        Assert.True(row.Length >= 6, run.ToString());
        Assert.Equal([F(expected.Ndcg), F(expected.Map), F(expected.Precision), F(expected.Recall), F(expected.Coverage)], row[1..6]);
        // Every user's held-out items are in their own cluster: the item-CF neighbours must find some of them.
        Assert.True(expected.Ndcg > 0.3, $"nDCG@5 {expected.Ndcg:F4} on a clustered split:\n{run}");
        Assert.NotEmpty(Row(run, "default, Int8"));
    }

    [Fact]
    public async Task Evaluate_SharedMl100kSplit_DefaultBeatsPublishedBaselines()
    {
        string split = SharedData.Require(Path.Combine("movielens", "ml-100k-split"), "train.tsv", "test.tsv");

        // The published baselines rank from every training rating; the API reads only the latest
        // Recommendations:HistoryLimit (200) of a user, which costs about 0.03 nDCG@10 on this split.
        var run = await MaasCli.RunAsync(
            "evaluate", "--train", Path.Combine(split, "train.tsv"), "--test", Path.Combine(split, "test.tsv"), "--preset", "default", "--history-limit", "10000",
            "--exposure-by", "decade");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"train {75_066:N0} events, test {24_934:N0} events, K = 10", run.Output);
        string[] row = Row(run, "default");
        double ndcg = double.Parse(row[1], CultureInfo.InvariantCulture), map = double.Parse(row[2], CultureInfo.InvariantCulture);
        // BPR 0.442 / 0.132 and SAR 0.388 / 0.113 on this split (docs/recommendations.md).
        Assert.True(ndcg >= 0.45 && map >= 0.135, $"nDCG@10 {ndcg}, MAP {map}:\n{run}");
        // The shared split is the data the published figures belong to: they are shown beside ours.
        Assert.Equal(["BPR (published)", "0.442", "0.132"], Row(run, "BPR (published)"));
        Assert.NotEmpty(Row(run, "LightGCN (published)"));
        // Exposure by the attribute asked for: u.item's release decades, written as decade: tags.
        Assert.Contains("Exposure by decade, default", run.Output);
        Assert.Equal(3, Row(run, "1990s")[1..].Count(cell => double.TryParse(cell, CultureInfo.InvariantCulture, out _)));
    }

    // A usage error: exit code 2 and a message that names what was wrong.
    [Theory]
    [InlineData("--exposure-by", "no such attribute", "--exposure-by must be genre, kind, tag")]
    [InlineData("--protocol", "leave-one-out", "leave-one-out")]
    public async Task Evaluate_BadOptionValue_ExitCode2AndNamesTheRule(string option, string value, string named)
    {
        var run = await MaasCli.RunAsync("evaluate", option, value);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(named, run.Output + run.Error);
    }

    [Fact]
    public async Task Evaluate_TrainFileMissing_SaysFileNotFoundAndNamesIt()
    {
        var (_, test) = WriteClusteredSplit();
        string missing = _temp["nope/train.tsv"];

        var run = await MaasCli.RunAsync("evaluate", "--train", missing, "--test", test);

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains($"--train {missing}: file not found", run.Error);
        Assert.DoesNotContain("No data", run.Output + run.Error);
    }

    [Fact]
    public async Task Evaluate_UnknownPreset_RefusedBeforeReadingDataAndListsThePresets()
    {
        var (train, test) = WriteClusteredSplit();

        var run = await MaasCli.RunAsync("evaluate", "--train", train, "--test", test, "--preset", "bogus");

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("bogus", run.Error);
        Assert.All(new[] { "'default'", "'ease'", "'sar-jaccard'", "'all'" }, preset => Assert.Contains(preset, run.Error));
        Assert.DoesNotContain(" events, test ", run.Output);
    }

    [Fact]
    public async Task Evaluate_TrainWithoutTest_RefusedNotScoredAgainstAnotherSplit()
    {
        var (train, _) = WriteClusteredSplit();

        var run = await MaasCli.RunAsync("evaluate", "--train", train, "--preset", "default");

        Assert.True(run.ExitCode != 0, run.ToString());
        Assert.Contains("Give --train and --test together", run.Error);
        Assert.DoesNotContain(" events, test ", run.Output);
    }

    [Fact]
    public async Task Evaluate_OtherDataThanTheSharedSplit_NoReferenceRows()
    {
        var (train, test) = WriteClusteredSplit();

        var run = await MaasCli.RunAsync("evaluate", "--train", train, "--test", test, "--preset", "default");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotEmpty(Row(run, "default"));
        Assert.DoesNotContain("BPR", run.Output);
        Assert.DoesNotContain("LightGCN", run.Output);
        Assert.DoesNotContain("SAR", run.Output);
    }

    [Fact]
    public async Task Evaluate_OutputRedirected_PlainColumnsOneLinePerRowNeverWrapped()
    {
        var (train, test) = WriteClusteredSplit();

        var run = await MaasProcess.RunAsync(_temp.Path, new Dictionary<string, string?>(), "evaluate", "--train", train, "--test", test, "--preset", "default", "--top", "5");

        Assert.True(run.ExitCode == 0, run.ToString());
        var lines = run.Output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        Assert.DoesNotContain(lines, l => l.IndexOfAny(['│', '─', '┌', '└', '╭', '╰', '|']) >= 0);
        // The title is longer than a terminal's 80 columns: it stays one line.
        Assert.Contains(lines, l => l.StartsWith("Test split (seen items removed)", StringComparison.Ordinal) && l.EndsWith("default Recommendations settings otherwise", StringComparison.Ordinal));
        Assert.Equal(["model", "nDCG@5", "MAP", "P@5", "R@5", "coverage", "build s", "neighbour MB"], Cells(lines.Single(l => l.StartsWith("model ", StringComparison.Ordinal))));
        Assert.Equal(8, Row(run, "default, Float16").Length);
    }

    [Fact]
    public async Task Evaluate_SimilarItemsWithoutNetflixTitles_ExitCode2NamingTheFile()
    {
        string empty = _temp["no-content"];
        Directory.CreateDirectory(empty);

        var run = await MaasCli.RunAsync("evaluate", "--protocol", "similar-items", "--data", empty);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("netflix_titles.csv", run.Output + run.Error);
    }


    [Fact]
    public async Task Evaluate_Sweep_TradeOffRowsFromTheServingPathAndACurve()
    {
        var (train, test) = WriteClusteredSplit();
        string curve = _temp["curve.svg"];

        var run = await MaasCli.RunAsync("evaluate", "--train", train, "--test", test, "--top", "5", "--sweep", "0,0.5", "--curve", curve);

        Assert.True(run.ExitCode == 0, run.ToString());
        var options = new ServingEvaluator(new RecommendationOptions());
        var events = ServingEvaluator.AsRateEvents(InteractionFiles.ReadTsv(train));
        var expected = options.Evaluate(events, ServingEvaluator.AsRateEvents(InteractionFiles.ReadTsv(test)), RecommendationStrategy.CollaborativeFiltering, k: 5,
            IndexBuildOptions.Preset("default"), debias: new MaaS.Services.Recommendations.Serving.DebiasSetting(MaaS.Services.Recommendations.Serving.DebiasMethod.Popularity, 0.5f, "request"));
        Assert.Equal([F(expected.Metrics.Ndcg)], Row(run, "0.5")[1..2]);
        Assert.Equal(F(expected.Bias!.Coverage), Row(run, "0.5")[3]);
        Assert.Equal(["0.0%", "1.00"], [Row(run, "0.0")[2], Row(run, "0.0")[4]]);
        string svg = File.ReadAllText(curve);
        Assert.StartsWith("<svg", svg, StringComparison.Ordinal);
        Assert.Contains("λ=0.5", svg, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--sweep", "0,1.5")]
    [InlineData("--strength", "-1")]
    public async Task Evaluate_StrengthOutsideUnitInterval_ExitCode2NamingTheOption(string option, string value)
    {
        var (train, test) = WriteClusteredSplit();

        var run = await MaasCli.RunAsync("evaluate", "--train", train, "--test", test, option, value);

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains(option, run.Output + run.Error);
    }

    [Fact]
    public async Task Evaluate_SmallSplit_BiasTableBesideNdcg()
    {
        var (train, test) = WriteClusteredSplit();

        var run = await MaasCli.RunAsync("evaluate", "--train", train, "--test", test, "--preset", "default", "--top", "5");

        Assert.True(run.ExitCode == 0, run.ToString());
        var bias = new ServingEvaluator(new RecommendationOptions()).Evaluate(
            ServingEvaluator.AsRateEvents(InteractionFiles.ReadTsv(train)), ServingEvaluator.AsRateEvents(InteractionFiles.ReadTsv(test)),
            RecommendationStrategy.CollaborativeFiltering, k: 5, IndexBuildOptions.Preset("default")).Bias!;
        var rows = run.Output.Split('\n').Select(Cells).Where(c => c.Length == 8 && c[0] == "default").ToList();
        Assert.True(rows.Count == 2, run.ToString());
        Assert.Equal([F(bias.Coverage), F(bias.Gini)], rows[1][2..4]);
        Assert.Equal(F(bias.PopularityLift), rows[1][7]);
    }

    public void Dispose() => _temp.Dispose();

    private static string F(double value) => value.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>The cells of the table row whose first cell is <paramref name="model"/> (plain columns: two or more spaces apart).</summary>
    private static string[] Row(CliResult run, string model) =>
        run.Output.Split('\n').Select(Cells).FirstOrDefault(cells => cells.Length > 0 && cells[0] == model)
        ?? throw new Xunit.Sdk.XunitException($"no table row '{model}':\n{run}");

    private static string[] Cells(string line) => ColumnGap().Split(line.Trim()).Where(c => c.Length > 0).ToArray();

    [GeneratedRegex(@"\s{2,}")]
    private static partial Regex ColumnGap();

    /// <summary>
    /// 40 users in 4 taste clusters of 8 items: 6 training and 2 held-out ratings per user, all within the user's cluster.
    /// </summary>
    private (string Train, string Test) WriteClusteredSplit()
    {
        var random = new Random(7);
        var train = new List<string>();
        var test = new List<string>();
        for (int user = 0; user < 40; user++)
        {
            int cluster = user % 4;
            var items = Enumerable.Range(cluster * 8, 8).OrderBy(_ => random.Next()).ToArray();
            for (int i = 0; i < items.Length; i++)
            {
                string line = string.Create(CultureInfo.InvariantCulture, $"u{user}\ti{items[i]}\t{1 + random.Next(5)}\t{880_000_000 + user * 100 + i}");
                (i < 6 ? train : test).Add(line);
            }
        }

        File.WriteAllLines(_temp["train.tsv"], train);
        File.WriteAllLines(_temp["test.tsv"], test);
        return (_temp["train.tsv"], _temp["test.tsv"]);
    }
}
