using MaaS.Recommendations.Content;
using MaaS.Recommendations.Hybrid;
using MaaS.Recommendations.Interactions;
using MaaS.Services.Recommendations;
using MaaS.Services.Recommendations.Evaluation;

namespace MaaS.Cli.Commands;

/// <summary>
/// <c>maas evaluate --protocol hybrid | cold-items</c>: CF vs content vs hybrid on the split, ranked as the API ranks
/// (<see cref="ServingEvaluator"/>), and the cold-item table (a seeded 10% of items held out of training; the
/// library's protocol). Content features come from MovieLens <c>u.item</c>.
/// </summary>
internal static class HybridProtocols
{
    public static int RunHybrid(
        List<InteractionEvent> train, List<InteractionEvent> test, List<ContentItem> catalogue, int k, bool tune, int seed, float? beta, float? alpha, int? slots, int historyLimit)
    {
        var options = ChooseBlend(train, catalogue, k, tune, seed, beta, alpha, slots);
        var evaluator = new ServingEvaluator(new RecommendationOptions { HistoryLimit = historyLimit, HybridBeta = options.Beta, HybridContentWeight = options.ContentWeight, HybridNewItemSlots = options.NewItemSlots });
        var trainEvents = ServingEvaluator.AsRateEvents(train);
        var testEvents = ServingEvaluator.AsRateEvents(test);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var content = ContentIndex.Build(catalogue);
        AnsiConsole.MarkupLine($"content index: {content.ItemCount} items, {content.FeatureCount} features, {content.NeighbourCount:N0} neighbours, built in {watch.Elapsed.TotalMilliseconds:F1} ms");
        var table = new ResultTable($"Test split (seen items removed), ranked as POST /v1/recommend ranks ({historyLimit} latest ratings per user), default CF preset, content over u.item, β = {F(options.Beta)}, α = {F(options.ContentWeight)}, slots = {options.NewItemSlots}");
        table.AddColumns("strategy", $"nDCG@{k}", "MAP", $"P@{k}", $"R@{k}", "coverage");
        foreach (var (name, strategy) in new[] { ("cf", RecommendationStrategy.CollaborativeFiltering), ("content", RecommendationStrategy.Content), ("hybrid", RecommendationStrategy.Hybrid) })
        {
            AddRow(table, name, evaluator.Evaluate(trainEvents, testEvents, strategy, k, content: content).Metrics);
        }

        table.Write();
        return 0;
    }

    public static int RunColdItems(List<InteractionEvent> train, List<InteractionEvent> test, List<ContentItem> catalogue, int k, bool tune, int seed, float? beta, float? alpha, int? slots, double share)
    {
        var split = ColdItemProtocol.Split(train, test, share, seed);
        AnsiConsole.MarkupLine($"cold items: [bold]{split.ColdItems.Count}[/] of {split.ColdItems.Count + split.Train.Select(e => e.ItemId).Distinct().Count()} held out (seed {seed}); train {split.Train.Count:N0}, test {split.Test.Count:N0} events");
        var options = ChooseBlend(split.Train, catalogue, k, tune, seed, beta, alpha, slots);
        var rows = ColdItemProtocol.Evaluate(split, catalogue, IndexBuildOptions.Default, options, k: k);
        var table = new ResultTable($"Cold-item protocol, β = {F(options.Beta)}, α = {F(options.ContentWeight)}, slots = {options.NewItemSlots} (all-user metrics rank all items; cold R@{k} ranks cold candidates only)");
        table.AddColumns("strategy", $"nDCG@{k}", "MAP", $"R@{k}", $"cold R@{k}", $"cold R@{k} (all items)", "cold users");
        foreach (var row in rows)
        {
            table.AddRow(row.Name, F(row.All.Ndcg), F(row.All.Map), F(row.All.Recall), F(row.ColdRecall), F(row.ColdRecallAllItems), row.ColdUsers.ToString(CultureInfo.InvariantCulture));
        }

        table.Write();
        AnsiConsole.MarkupLine($"popularity's cold R@{k} is K / |cold candidates|: no cold item has a training event, so popularity ties them all.");
        return 0;
    }

    private static HybridOptions ChooseBlend(List<InteractionEvent> train, List<ContentItem> catalogue, int k, bool tune, int seed, float? beta, float? alpha, int? slots)
    {
        if (!tune)
        {
            return HybridOptions.Default with { Beta = beta ?? HybridOptions.DefaultBeta, ContentWeight = alpha ?? HybridOptions.DefaultContentWeight, NewItemSlots = slots ?? HybridOptions.DefaultNewItemSlots };
        }

        var seeds = new[] { seed, seed + 1, seed + 2 };
        var tuning = HybridTuner.Tune(train, catalogue, IndexBuildOptions.Default, seeds: seeds, k: k);
        string seedList = string.Join(", ", seeds);
        var table = new ResultTable($"Validation folds of train (seeds {seedList}, 75% fit; cold-item validation holds 10% of items out): {tuning.Feasible} of {tuning.Trials.Count} blends admitted, shown in rule order, then the best 10 others with {HybridTuner.RequiredNewItemSlots} slot, then the best with each other slot count. warm = warm validation, cold = cold-item validation (all users), z = paired z vs the reference blend (β = 0, α = 0.1, 1 slot), new R@{k} = held-out items' recall ranking all items");
        table.AddColumns("β", "α", "slots", "warm nDCG", "MAP", "z", "cold nDCG", "z", $"new R@{k}", "ok");
        table.AddRow("cf", "", "", F(tuning.Cf.Average(f => f.WarmNdcg)), F(tuning.Cf.Average(f => f.WarmMap)), "", F(tuning.Cf.Average(f => f.MixNdcg)), "", F(tuning.Cf.Average(f => f.ColdRecall)), "");
        table.AddRow("ref " + F(HybridTuner.Reference.Beta), F(HybridTuner.Reference.ContentWeight), HybridTuner.Reference.NewItemSlots.ToString(CultureInfo.InvariantCulture), F(tuning.Reference.Average(f => f.WarmNdcg)),
            F(tuning.Reference.Average(f => f.WarmMap)), Z(HybridTuner.PairedZ(tuning.Reference, tuning.Cf, f => f.WarmUsers)) + " vs cf", F(tuning.Reference.Average(f => f.MixNdcg)),
            Z(HybridTuner.PairedZ(tuning.Reference, tuning.Cf, f => f.MixUsers)) + " vs cf", F(tuning.Reference.Average(f => f.ColdRecall)), "");
        // Every admitted blend, the best 10 others that keep the required slot, then the best with each other slot count.
        var shown = tuning.Trials.Where(t => HybridTuner.Admits(t, tuning.Reference))
            .Concat(tuning.Trials.Where(t => !HybridTuner.Admits(t, tuning.Reference) && t.Options.NewItemSlots == HybridTuner.RequiredNewItemSlots).Take(10))
            .Concat(tuning.Trials.Where(t => t.Options.NewItemSlots != HybridTuner.RequiredNewItemSlots).GroupBy(t => t.Options.NewItemSlots).Select(g => g.First()));
        foreach (var t in shown)
        {
            table.AddRow(F(t.Options.Beta), F(t.Options.ContentWeight), t.Options.NewItemSlots.ToString(CultureInfo.InvariantCulture), F(t.WarmNdcg), F(t.WarmMap),
                Z(HybridTuner.PairedZ(t.Folds, tuning.Reference, f => f.WarmUsers)), F(t.MixNdcg), Z(HybridTuner.PairedZ(t.Folds, tuning.Reference, f => f.MixUsers)), F(t.ColdRecall),
                HybridTuner.Admits(t, tuning.Reference) ? "yes" : "no");
        }

        table.Write();
        var bestWarm = tuning.Trials.OrderByDescending(t => t.WarmNdcg).First();
        AnsiConsole.MarkupLine($"highest warm validation nDCG: β = {F(bestWarm.Options.Beta)}, α = {F(bestWarm.Options.ContentWeight)}, slots = {bestWarm.Options.NewItemSlots} ({F(bestWarm.WarmNdcg)} vs CF {F(tuning.Cf.Average(f => f.WarmNdcg))})");
        var chosen = tuning.Chosen;
        string rule = tuning.Feasible > 0
            ? $"rule: ≥ {HybridTuner.RequiredNewItemSlots} new-item slot; paired z vs the reference ≥ −{F(HybridTuner.ZBar)} on warm and cold-item validation, and ≥ +{F(HybridTuner.ZBar)} on warm if β > 0; then most cold-item validation recall, warm nDCG, fewest slots, smallest β, smallest α"
            : "[yellow]the rule admitted no blend: fell back to the highest warm validation nDCG[/]";
        AnsiConsole.MarkupLine($"chosen ({rule}): β = {F(chosen.Options.Beta)}, α = {F(chosen.Options.ContentWeight)}, slots = {chosen.Options.NewItemSlots}");
        return chosen.Options;
    }

    private static void AddRow(ResultTable table, string name, RankingMetrics m) =>
        table.AddRow(name, F(m.Ndcg), F(m.Map), F(m.Precision), F(m.Recall), F(m.Coverage));

    private static string Z(double z) => z.ToString("+0.00;−0.00;0", CultureInfo.InvariantCulture);

    private static string F(double x) => x.ToString("0.####", CultureInfo.InvariantCulture);
}
