namespace MaaS.Recommendations.Tests.Evaluation;

/// <summary>The hybrid selection rule on synthetic folds (the baseline stands in for the reference blend): paired z, admission and order.</summary>
public sealed class HybridTunerTests
{
    private const int Users = 400;

    [Fact]
    public void PairedZ_SameNumbers_IsZero()
    {
        var cf = Folds(Random(1), 0, 0);

        Assert.Equal(0, HybridTuner.PairedZ(cf, cf, f => f.WarmUsers));
    }

    [Fact]
    public void PairedZ_NoisyGain_PositiveAndSwappingFlipsTheSign()
    {
        var cf = Folds(Random(2), 0, 0);
        var better = Shift(cf, seed: 3, warm: 0.01, noise: 0.05);

        double z = HybridTuner.PairedZ(better, cf, f => f.WarmUsers);

        Assert.True(z > 2, $"z {z}");
        Assert.Equal(-z, HybridTuner.PairedZ(cf, better, f => f.WarmUsers), 9);
    }

    [Fact]
    public void PairedZ_MoreNoise_SmallerZ()
    {
        var cf = Folds(Random(4), 0, 0);

        double quiet = HybridTuner.PairedZ(Shift(cf, seed: 5, warm: 0.01, noise: 0.02), cf, f => f.WarmUsers);
        double loud = HybridTuner.PairedZ(Shift(cf, seed: 5, warm: 0.01, noise: 0.2), cf, f => f.WarmUsers);

        Assert.True(quiet > loud && loud > 0, $"quiet {quiet}, loud {loud}");
    }

    [Fact]
    public void PairedZ_UserMissingFromAFold_DoesNotCount()
    {
        var cf = Folds(Random(6), 0, 0);
        var trial = Shift(cf, seed: 7, warm: 0.01, noise: 0.05);
        var withOutlier = trial.Select((f, i) => i == 0 ? f with { WarmUsers = With(f.WarmUsers, "outlier", 1.0) } : f).ToList();
        var cfWithOutlier = cf.Select((f, i) => i == 0 ? f with { WarmUsers = With(f.WarmUsers, "outlier", -1.0) } : f).ToList();

        Assert.Equal(HybridTuner.PairedZ(trial, cf, f => f.WarmUsers), HybridTuner.PairedZ(withOutlier, cfWithOutlier, f => f.WarmUsers), 9);
    }

    [Fact]
    public void PairedZ_FoldCountsDiffer_Throws()
    {
        var cf = Folds(Random(8), 0, 0);

        Assert.Throws<ArgumentException>(() => HybridTuner.PairedZ(cf.Take(2).ToList(), cf, f => f.WarmUsers));
    }

    [Fact]
    public void Admits_ContentOnWarmItemsWithoutMeasuredGain_No()
    {
        var cf = Folds(Random(9), 0, 0);
        var noisyGain = Shift(cf, seed: 10, warm: 0.0005, noise: 0.1);
        Assert.InRange(HybridTuner.PairedZ(noisyGain, cf, f => f.WarmUsers), -HybridTuner.ZBar, HybridTuner.ZBar);

        Assert.False(HybridTuner.Admits(new HybridTrial(new HybridOptions(5f, 0.2f, 1), noisyGain), cf));
        Assert.True(HybridTuner.Admits(new HybridTrial(new HybridOptions(0f, 0.2f, 1), noisyGain), cf));
    }

    [Fact]
    public void Admits_ContentOnWarmItemsWithMeasuredGain_Yes()
    {
        var cf = Folds(Random(11), 0, 0);

        Assert.True(HybridTuner.Admits(new HybridTrial(new HybridOptions(5f, 0.2f, 1), Shift(cf, seed: 12, warm: 0.02, noise: 0.05)), cf));
    }

    [Fact]
    public void Admits_FewerSlotsThanRequired_NoWhateverTheNumbers()
    {
        var cf = Folds(Random(24), 0, 0);
        var better = Shift(cf, seed: 25, warm: 0.05, mix: 0.05, noise: 0.01).Select(f => f with { ColdRecall = 1 }).ToList();

        Assert.False(HybridTuner.Admits(new HybridTrial(new HybridOptions(0f, 0.2f, HybridTuner.RequiredNewItemSlots - 1), better), cf));
        Assert.True(HybridTuner.Admits(new HybridTrial(new HybridOptions(0f, 0.2f, HybridTuner.RequiredNewItemSlots), better), cf));
    }

    [Fact]
    public void Admits_MeasuredLossOnEitherValidation_No()
    {
        var cf = Folds(Random(13), 0, 0);

        Assert.False(HybridTuner.Admits(new HybridTrial(new HybridOptions(0f, 0.2f, 1), Shift(cf, seed: 14, warm: -0.02, noise: 0.05)), cf));
        Assert.False(HybridTuner.Admits(new HybridTrial(new HybridOptions(0f, 0.2f, 1), Shift(cf, seed: 15, mix: -0.02, noise: 0.05)), cf));
    }

    [Fact]
    public void Order_AdmittedFirstByColdRecall_ThenLeastIntervention()
    {
        var cf = Folds(Random(16), 0, 0);
        var same = cf.Select(f => f with { ColdRecall = 0.05 }).ToList();
        var trials = new List<HybridTrial>
        {
            new(new HybridOptions(0f, 0.5f, 1), same),
            new(new HybridOptions(0f, 0.2f, 1), same),
            new(new HybridOptions(0f, 0.1f, 1), cf.Select(f => f with { ColdRecall = 0.01 }).ToList()),
            new(new HybridOptions(0f, 0.7f, 2), Shift(cf, seed: 17, warm: -0.03, noise: 0.05).Select(f => f with { ColdRecall = 0.5 }).ToList()),
            new(new HybridOptions(2f, 0.1f, 1), Shift(cf, seed: 23, noise: 0.1)),
            new(new HybridOptions(0f, 0.3f, 0), cf.Select(f => f with { ColdRecall = 0.9 }).ToList()),
        };
        Assert.InRange(HybridTuner.PairedZ(trials[^1].Folds, cf, f => f.WarmUsers), -HybridTuner.ZBar, HybridTuner.ZBar);

        var ordered = HybridTuner.Order(trials, cf);

        Assert.Equal(trials.Count, ordered.Count);
        Assert.Equal(new HybridOptions(0f, 0.2f, 1), ordered[0].Options);
        Assert.Equal(new HybridOptions(0f, 0.5f, 1), ordered[1].Options);
        Assert.Equal(new HybridOptions(0f, 0.1f, 1), ordered[2].Options);
        Assert.DoesNotContain(ordered.Take(3), t => !HybridTuner.Admits(t, cf));
        Assert.DoesNotContain(ordered.Skip(3), t => HybridTuner.Admits(t, cf));
    }

    [Fact]
    public void Order_NothingAdmitted_HighestWarmNdcgFirst()
    {
        var cf = Folds(Random(19), 0, 0);
        var trials = new List<HybridTrial>
        {
            new(new HybridOptions(0f, 0.2f, 2), Shift(cf, seed: 20, warm: -0.05, noise: 0.05)),
            new(new HybridOptions(0f, 0.2f, 1), Shift(cf, seed: 21, warm: -0.02, noise: 0.05)),
            new(new HybridOptions(0f, 0.2f, 0), Shift(cf, seed: 21, warm: 0.02, noise: 0.05)),
        };

        var ordered = HybridTuner.Order(trials, cf);

        Assert.Equal(0, ordered[0].Options.NewItemSlots);
        Assert.Equal(1, ordered[1].Options.NewItemSlots);
    }

    [Fact]
    public void UserNdcg_AveragedOverUsers_IsEvaluatesNdcg()
    {
        var random = new Random(22);
        var truth = new Dictionary<int, HashSet<int>>();
        var predictions = new Dictionary<int, IReadOnlyList<int>>();
        for (int u = 0; u < 50; u++)
        {
            truth[u] = [.. Enumerable.Range(0, random.Next(1, 15)).Select(_ => random.Next(40))];
            predictions[u] = Enumerable.Range(0, 40).OrderBy(_ => random.Next()).Take(random.Next(0, 12)).ToList();
        }

        double mean = truth.Keys.Average(u => RankingEvaluator.UserNdcg(truth[u], predictions[u], 10));

        Assert.Equal(RankingEvaluator.Evaluate(truth, predictions, 10).Ndcg, mean, 12);
    }

    private static Random Random(int seed) => new(seed);

    /// <summary>Three folds of per-user nDCG drawn in [0, 1).</summary>
    private static List<HybridFold> Folds(Random random, double warm, double mix) =>
        [.. Enumerable.Range(0, 3).Select(_ =>
        {
            var w = Enumerable.Range(0, Users).ToDictionary(u => $"u{u}", _ => random.NextDouble() * 0.5 + warm);
            var m = Enumerable.Range(0, Users).ToDictionary(u => $"u{u}", _ => random.NextDouble() * 0.5 + mix);
            return new HybridFold(w.Values.Average(), 0, m.Values.Average(), 0, w, m);
        })];

    /// <summary>The folds with every user's nDCG moved by the shift plus seeded uniform noise in ±noise.</summary>
    private static List<HybridFold> Shift(List<HybridFold> folds, int seed, double warm = 0, double mix = 0, double noise = 0)
    {
        var random = new Random(seed);
        return [.. folds.Select(f =>
        {
            var w = f.WarmUsers.ToDictionary(p => p.Key, p => p.Value + warm + (random.NextDouble() * 2 - 1) * noise);
            var m = f.MixUsers.ToDictionary(p => p.Key, p => p.Value + mix + (random.NextDouble() * 2 - 1) * noise);
            return new HybridFold(w.Values.Average(), 0, m.Values.Average(), f.ColdRecall, w, m);
        })];
    }

    private static Dictionary<string, double> With(IReadOnlyDictionary<string, double> users, string user, double value) =>
        new(users) { [user] = value };
}
