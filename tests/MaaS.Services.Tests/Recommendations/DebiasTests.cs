using MaaS.Recommendations.Evaluation;
using MaaS.Recommendations.Hybrid;
using MaaS.Services.Recommendations.Evaluation;
using Rating = MaaS.Recommendations.Interactions.InteractionEvent;

namespace MaaS.Services.Tests.Recommendations;

/// <summary>
/// Debiasing through the serving path (<see cref="Ranker"/>, as <c>maas evaluate</c> and the API run it). The synthetic
/// catalogue: 4 taste clusters of 15 items, 30 users per cluster, each rating 8 items of their cluster drawn with
/// weight 1 / (rank + 1), so every cluster has its own head and long tail.
/// </summary>
public sealed class DebiasTests
{
    private const int K = 5;

    [Fact]
    public void Recommend_PopularityReranking_RaisesCoverageLowersPopularityLiftAndStrengthZeroIsOff()
    {
        var ratings = SyntheticRatings();
        var evaluator = new ServingEvaluator(new RecommendationOptions());
        var events = ServingEvaluator.AsRateEvents(ratings);
        var model = evaluator.Train(events);
        var users = ratings.Select(r => r.UserId).Distinct().ToList();

        var off = evaluator.Recommend(model, null, events, users, RecommendationStrategy.CollaborativeFiltering, K);
        var zero = evaluator.Recommend(model, null, events, users, RecommendationStrategy.CollaborativeFiltering, K, debias: new DebiasSetting(DebiasMethod.Popularity, 0f, "request"));
        var on = evaluator.Recommend(model, null, events, users, RecommendationStrategy.CollaborativeFiltering, K, debias: new DebiasSetting(DebiasMethod.Popularity, 0.5f, "request"));

        var calibratedZero = evaluator.Recommend(model, null, events, users, RecommendationStrategy.CollaborativeFiltering, K,
            debias: new DebiasSetting(DebiasMethod.Calibrated, 0f, "request"), genresOf: id => [id[..2]]);

        var differing = users.Where(u => !off[u].SequenceEqual(zero[u]) || !off[u].SequenceEqual(calibratedZero[u])).ToList();
        Assert.True(differing.Count == 0, $"strength 0 changed {differing.Count} pages, e.g. {differing.FirstOrDefault()}");
        var before = Measure(off, ratings);
        var after = Measure(on, ratings);
        Assert.True(after.Coverage > before.Coverage, $"coverage {before.Coverage:F3} -> {after.Coverage:F3}");
        Assert.True(after.PopularityLift < before.PopularityLift, $"popularity lift {before.PopularityLift:F3} -> {after.PopularityLift:F3}");
        Assert.All(on, p => Assert.Equal(K, p.Value.Count));
    }

    [Fact]
    public void Recommend_CalibratedOverTwoGenreHistories_PagesMoveTowardTheHistoryMix()
    {
        // Users of clusters 0 and 1 also rate 3 items of the other cluster: their history mixes two "genres" (the
        // cluster), while their neighbours lean to their own cluster.
        var ratings = SyntheticRatings();
        long time = 2_000_000;
        foreach (int u in Enumerable.Range(0, 40).Where(u => u % 4 is 0 or 1))
        {
            ratings.AddRange(new[] { 5, 7, 9 }.Select(i => new Rating($"u{u}", $"c{1 - (u % 4)}-i{i:D2}", 4, time++)));
        }

        var evaluator = new ServingEvaluator(new RecommendationOptions());
        var events = ServingEvaluator.AsRateEvents(ratings);
        var model = evaluator.Train(events);
        var mixed = Enumerable.Range(0, 40).Where(u => u % 4 is 0 or 1).Select(u => $"u{u}").ToList();
        Func<string, IReadOnlyList<string>?> genres = id => [id[..2]];

        var off = evaluator.Recommend(model, null, events, mixed, RecommendationStrategy.CollaborativeFiltering, K);
        var on = evaluator.Recommend(model, null, events, mixed, RecommendationStrategy.CollaborativeFiltering, K, debias: new DebiasSetting(DebiasMethod.Calibrated, 0.9f, "request"), genresOf: genres);

        double Gap(Dictionary<string, IReadOnlyList<string>> pages) => mixed.Average(u =>
        {
            var history = ratings.Where(r => r.UserId == u).Select(r => r.ItemId[..2]).ToList();
            string own = $"c{int.Parse(u[1..], System.Globalization.CultureInfo.InvariantCulture) % 4}";
            return Math.Abs((pages[u].Count(i => i.StartsWith(own, StringComparison.Ordinal)) / (double)pages[u].Count) - (history.Count(g => g == own) / (double)history.Count));
        });
        Assert.True(Gap(on) < Gap(off), $"share of the own genre off the history's: {Gap(off):F3} -> {Gap(on):F3}");
    }

    [Fact]
    public async Task RecommendAsync_BadMethodAndStrength_BothFieldsListed()
    {
        await using var services = await RecommendationServices.StartAsync();

        var result = await services.Get<RecommendationService>().RecommendAsync(RecommendationServices.Tenant, Request(new DebiasRequest("loud", 1.5f)), Ct);
        var nan = await services.Get<RecommendationService>().RecommendAsync(RecommendationServices.Tenant, Request(new DebiasRequest("popularity", float.NaN)), Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal(["debias.method", "debias.strength"], result.Error!.Problems.Select(p => p.Field));
        Assert.Equal([DebiasMethods.Problem, DebiasMethods.StrengthProblem], result.Error!.Problems.Select(p => p.Reason));
        Assert.Equal(["debias.strength"], nan.Error?.Problems.Select(p => p.Field));
    }

    [Fact]
    public async Task RecommendAsync_TenantSetting_AppliesUnlessTheRequestSaysOtherwise()
    {
        await using var services = await RecommendationServices.StartAsync(o => o.Debias.Tenants[RecommendationServices.Tenant] = new DebiasSettings { Method = "popularity", Strength = 1f });
        await services.AppendAsync([.. SyntheticRatings().Take(600).Select(r => (r.UserId, r.ItemId, "play"))]);
        await services.RebuildAsync();
        var service = services.Get<RecommendationService>();

        var tenant = (await service.RecommendAsync(RecommendationServices.Tenant, Request(null), Ct)).Value;
        var asked = (await service.RecommendAsync(RecommendationServices.Tenant, Request(new DebiasRequest("popularity", 0.25f)), Ct)).Value;
        var off = (await service.RecommendAsync(RecommendationServices.Tenant, Request(new DebiasRequest("none", null)), Ct)).Value;

        Assert.Equal(("popularity", 1f, "tenant"), (tenant.Debias!.Method, tenant.Debias.Strength, tenant.Debias.Origin));
        Assert.Equal(("popularity", 0.25f, "request"), (asked.Debias!.Method, asked.Debias.Strength, asked.Debias.Origin));
        Assert.Null(off.Debias);
        Assert.True(tenant.Debias.MeanPopularity < tenant.Debias.MeanPopularityWithout, $"{tenant.Debias.MeanPopularity} vs {tenant.Debias.MeanPopularityWithout}");
        Assert.NotEqual(off.Items.Select(i => i.ItemId), tenant.Items.Select(i => i.ItemId));
        // Explanations name the move of each item the re-ranking moved, and only when explain is asked for.
        Assert.All(tenant.Items, i => Assert.Null(i.Reason));
        var explained = (await service.RecommendAsync(RecommendationServices.Tenant, Request(null) with { Explain = true }, Ct)).Value;
        Assert.Contains(explained.Items, i => i.Reason!.Reranked?.StartsWith("Moved up from ", StringComparison.Ordinal) == true);
        Assert.All(off.Items, i => Assert.Null(i.Reason?.Reranked));
    }

    [Theory]
    [InlineData("loud", 0.5f, "Recommendations:Debias:Tenants:acme:Method")]
    [InlineData("popularity", 2f, "Recommendations:Debias:Tenants:acme:Strength")]
    public void Validate_BadTenantEntry_RefusedNamingTheKey(string method, float strength, string key)
    {
        var options = new RecommendationOptions();
        options.Debias.Tenants["acme"] = new DebiasSettings { Method = method, Strength = strength };

        var result = new DebiasOptionsValidator().Validate(null, options);

        Assert.True(result.Failed, $"{method} {strength} was accepted");
        Assert.Contains(key, result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new DebiasOptionsValidator().Validate(null, new RecommendationOptions()).Succeeded);
    }

    private static RecommendRequest Request(DebiasRequest? debias) =>
        new("u0", null, null, K, null, null, Explain: false, Include: null, Strategy: "cf", Debias: debias);

    private static (double Coverage, double PopularityLift) Measure(Dictionary<string, IReadOnlyList<string>> pages, List<Rating> ratings)
    {
        var profiles = ratings.GroupBy(r => r.UserId).ToDictionary(g => g.Key, g => (IReadOnlyCollection<string>)g.Select(r => r.ItemId).ToHashSet());
        var m = BeyondAccuracy.Evaluate(pages, profiles, ItemPopularity.Of(ratings), [.. ratings.Select(r => r.ItemId).Distinct()], K);
        return (m.Coverage, m.PopularityLift);
    }

    private static List<Rating> SyntheticRatings()
    {
        var random = new Random(7);
        var ratings = new List<Rating>();
        long time = 1_000_000;
        for (int u = 0; u < 120; u++)
        {
            int cluster = u % 4;
            var chosen = new HashSet<int>();
            while (chosen.Count < 8)
            {
                // Weight 1 / (rank + 1) over the cluster's 15 items: a head and a tail.
                double x = random.NextDouble() * 3.318;
                int rank = 0;
                for (double acc = 1; acc < x && rank < 14; acc += 1.0 / (rank + 2))
                {
                    rank++;
                }

                chosen.Add(rank);
            }

            foreach (int rank in chosen)
            {
                ratings.Add(new Rating($"u{u}", $"c{cluster}-i{rank:D2}", 1 + random.Next(5), time++));
            }
        }

        return ratings;
    }
}
