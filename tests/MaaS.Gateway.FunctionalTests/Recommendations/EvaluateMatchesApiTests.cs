using MaaS.Recommendations.Evaluation;
using MaaS.Recommendations.Hybrid;
using MaaS.Services.Recommendations;
using MaaS.Services.Recommendations.Evaluation;
using MaaS.Services.Recommendations.Serving;
using Microsoft.Extensions.Options;

namespace MaaS.Gateway.FunctionalTests.Recommendations;

/// <summary>
/// <c>maas evaluate</c> scores what the API serves: on the shared ml-100k split, with the training events in the
/// gateway's store and the default settings, the evaluator's path and <c>POST /v1/recommend</c> give every test user
/// the same top 10, so their nDCG@10 is one number; and neither offers an item the user rated in training, however
/// far behind <c>Recommendations:HistoryLimit</c> (users here have up to several hundred ratings). The same holds with
/// the popularity re-ranking on (<c>debias</c>), which draws from the same candidate pool and build popularity.
/// </summary>
public sealed class EvaluateMatchesApiTests
{
    private const int K = 10;

    [Fact]
    public async Task Evaluate_SharedMovieLensSplit_SameTopTenAsRecommendEndpointForEveryTestUser()
    {
        string split = SharedData.Require(Path.Combine("movielens", "ml-100k-split"), "train.tsv", "test.tsv");
        var ct = TestContext.Current.CancellationToken;
        var train = ServingEvaluator.AsRateEvents(InteractionFiles.ReadTsv(Path.Combine(split, "train.tsv")));
        var truth = ServingEvaluator.Truth(ServingEvaluator.AsRateEvents(InteractionFiles.ReadTsv(Path.Combine(split, "test.tsv"))));
        await using var host = GatewayHost.Start(_ => { }, new Dictionary<string, string?> { ["Recommendations:BuildOnStart"] = "false" });
        var store = host.Services.GetRequiredService<IEventStore>();
        foreach (var batch in train.Chunk(StorageLimits.MaxBatchSize))
        {
            var appended = await store.AppendAsync(StorageLimits.DefaultTenant, batch, ct);
            Assert.True(appended.IsSuccess, appended.Error?.Message);
        }

        var built = await RecommendationHost.RebuildAsync(host);
        Assert.True(built["status"]!.GetValue<string>() == "succeeded", built.ToJsonString());

        var evaluator = new ServingEvaluator(host.Services.GetRequiredService<IOptions<RecommendationOptions>>().Value);
        var model = evaluator.Train(train);
        var offline = evaluator.Recommend(model, null, train, truth.Keys, RecommendationStrategy.CollaborativeFiltering, K);
        var served = await ServeAsync(host, offline.Keys, "", ct);
        var debias = new DebiasSetting(DebiasMethod.Popularity, 0.5f, "request");
        var offlineDebiased = evaluator.Recommend(model, null, train, truth.Keys, RecommendationStrategy.CollaborativeFiltering, K, debias: debias);
        var servedDebiased = await ServeAsync(host, offline.Keys, ""","debias":{"method":"popularity","strength":0.5}""", ct);
        var differingDebiased = offlineDebiased.Where(p => !p.Value.SequenceEqual(servedDebiased[p.Key])).Select(p => p.Key).ToList();
        Assert.True(differingDebiased.Count == 0, $"debiased: {differingDebiased.Count} of {offline.Count} users differ, e.g. {differingDebiased.FirstOrDefault()}");
        Assert.True(offlineDebiased.Count(p => !p.Value.SequenceEqual(offline[p.Key])) > offline.Count / 2, "the re-ranking changed too few pages to test anything");

        var rated = train.GroupBy(e => e.UserId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Select(e => e.ItemId).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        Assert.Contains(rated.Values, items => items.Count > host.Services.GetRequiredService<IOptions<RecommendationOptions>>().Value.HistoryLimit);
        var seenServed = served.Sum(p => p.Value.Count(rated[p.Key].Contains));
        var seenEvaluated = offline.Sum(p => p.Value.Count(rated[p.Key].Contains));
        Assert.True(seenServed == 0 && seenEvaluated == 0, $"items rated in training recommended: {seenServed} by the API, {seenEvaluated} by evaluate, of {served.Sum(p => p.Value.Count)}");

        var differing = offline.Where(p => !p.Value.SequenceEqual(served[p.Key])).Select(p => $"{p.Key}: evaluate [{string.Join(",", p.Value)}] api [{string.Join(",", served[p.Key])}]").ToList();
        Assert.True(differing.Count == 0, $"{differing.Count} of {offline.Count} users differ, e.g. {string.Join("; ", differing.Take(3))}");
        var evaluated = RankingEvaluator.Evaluate(truth, offline, K);
        var api = RankingEvaluator.Evaluate(truth, served, K);
        TestContext.Current.TestOutputHelper?.WriteLine($"nDCG@{K}: evaluate {evaluated.Ndcg:F4}, api {api.Ndcg:F4} over {api.Users} users; MAP {evaluated.Map:F4} / {api.Map:F4}");
        Assert.Equal(943, api.Users);
        Assert.Equal(evaluated.Ndcg, api.Ndcg); // identical pages, so identical, not merely within 0.002
        Assert.Equal(evaluated.Map, api.Map);
    }

    private static async Task<ConcurrentDictionary<string, IReadOnlyList<string>>> ServeAsync(GatewayHost host, IEnumerable<string> users, string extra, CancellationToken ct)
    {
        var served = new ConcurrentDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ct }, async (user, _) =>
        {
            var (response, body) = await host.PostJsonAsync("/v1/recommend", $$"""{"userId":"{{user}}","count":{{K}},"strategy":"cf"{{extra}}}""");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"user {user}: {(int)response.StatusCode} {body?.ToJsonString()}");
            served[user] = RecommendationHost.Ids(body);
        });
        return served;
    }
}
