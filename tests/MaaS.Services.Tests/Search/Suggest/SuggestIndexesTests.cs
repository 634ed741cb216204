using MaaS.Services.Recommendations.Catalogue;
using MaaS.Services.Search.Suggest;
using MaaS.Services.Tests.Recommendations;

namespace MaaS.Services.Tests.Search.Suggest;

/// <summary>
/// A tenant's suggest view as the services keep it (real SQLite, real index builds, no HTTP): the writer of a catalogue
/// change brings the view to the new snapshot before its write is answered, so the next call only reads it; a new
/// recommendation index brings its popularity by a background rebuild; calls made while a rebuild runs are answered
/// from the previous view (no lock is held across a build), and a write made then is seen at once and kept by the
/// rebuilt view. A test's build is held by a gate where it shows what is read meanwhile; nothing is timed.
/// </summary>
public sealed class SuggestIndexesTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Suggest_AfterWriteAndDelete_TheWriterLeftTheViewOfItsSnapshot_NextCallSeesEach()
    {
        await using var world = await SuggestWorld.StartAsync();
        await world.PutAsync(("k1", "Kitchen Duel"));
        var first = await world.SuggestAsync("kitch");
        string tag = first.ETag;

        await world.PutAsync(("k2", "Kitchen Nightmares"));
        var state = await world.StateAsync();
        var view = await world.Indexes.GetAsync(state);

        // The write's own call left the view: the snapshot it answers for is the current one before any suggest call.
        Assert.Same(state.Catalogue, view.Snapshot);
        Assert.Equal(["k1"], Ids(first.Answer()));
        var second = await world.SuggestAsync("kitch");
        Assert.Equal(["k1", "k2"], Ids(second.Answer()));
        Assert.NotEqual(tag, second.ETag);
        Assert.Equal(second.ETag, (await world.SuggestAsync("kitchen n")).ETag);

        Assert.True((await world.Get<CatalogueService>().DeleteAsync(RecommendationServices.Tenant, "k1", Ct)).Value);
        Assert.Equal(["k2"], Ids((await world.SuggestAsync("kitch")).Answer()));
    }

    [Fact]
    public async Task Suggest_NewRecommendationIndex_PopularityFollowsIt()
    {
        await using var world = await SuggestWorld.StartAsync();
        await world.PutAsync(("s1", "Star One"), ("s2", "Star Two"));
        await world.Services.AppendAsync([.. Plays("s1", 4), .. Plays("s2", 1)]);
        await world.Services.RebuildAsync();
        Assert.Equal(["s1", "s2"], await world.UntilAsync("star", ["s1", "s2"]));

        await world.Services.AppendAsync([.. Plays("s2", 9)]);
        await world.Services.RebuildAsync();

        Assert.Equal(["s2", "s1"], await world.UntilAsync("star", ["s2", "s1"]));
        var view = await world.Indexes.GetAsync(await world.StateAsync());
        using var lease = world.Get<RecommendationModels>().Acquire(RecommendationServices.Tenant).Value;
        Assert.Equal(lease.Version, view.PopularityVersion);
    }

    [Fact]
    public async Task Suggest_DuringARebuild_EveryCallAnswersFromThePreviousView_AndAWriteIsSeenAtOnce()
    {
        using var hold = new ManualResetEventSlim(true);
        using var entered = new SemaphoreSlim(0);
        await using var world = await SuggestWorld.StartAsync((s, p, v) =>
        {
            entered.Release();
            hold.Wait(Ct);
            return SuggestView.Built(s, p, v);
        });
        await world.PutAsync([.. Enumerable.Range(0, 500).Select(i => ($"m{i:D3}", $"Midnight Tale {i}"))]);
        Assert.Equal(8, (await world.SuggestAsync("midn")).Answer().Suggestions.Count);
        while (entered.CurrentCount > 0)
        {
            await entered.WaitAsync(Ct);
        }

        hold.Reset();
        var state = await world.StateAsync();
        world.Indexes.IndexServing(state);
        Assert.True(await entered.WaitAsync(TimeSpan.FromSeconds(30), Ct), "the rebuild did not start");

        // The build is held inside: calls from many threads at once all answer.
        var calls = await Task.WhenAll(Enumerable.Range(0, 32).Select(i => Task.Run(async () => (await world.SuggestAsync(i % 2 == 0 ? "m" : "midnight tale 1")).Answer(), Ct)))
            .WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.All(calls, c => Assert.NotEmpty(c.Suggestions));

        // A write meanwhile is followed by its writer, not by the build: the next call finds it.
        await world.PutAsync(("zz", "Midnight Zephyr"));
        Assert.Equal(["zz"], Ids((await world.SuggestAsync("midnight zep")).Answer()));

        // Released, the build (of the snapshot before the write) is swapped in over the write: the title is kept.
        var before = await world.Indexes.GetAsync(state);
        hold.Set();
        Assert.True(await UntilAsync(async () => !ReferenceEquals((await world.Indexes.GetAsync(state)).Base, before.Base)), "the rebuilt view did not replace the previous one");
        Assert.Same(state.Catalogue, (await world.Indexes.GetAsync(state)).Snapshot);
        Assert.Equal(["zz"], Ids((await world.SuggestAsync("midnight zep")).Answer()));
    }

    [Fact]
    public async Task Suggest_ShortPrefix_AnsweredFromTheViewsCache_UntilTheViewChanges()
    {
        await using var world = await SuggestWorld.StartAsync();
        await world.PutAsync(("a1", "Alpha"), ("a2", "Alps"));

        var first = (await world.SuggestAsync("al")).Answer();
        var second = (await world.SuggestAsync("AL")).Answer();
        var longer = (await world.SuggestAsync("alp")).Answer();
        var otherCount = (await world.SuggestAsync("al", count: 1)).Answer();

        // The folded query, count and kind are the key: one list, reused; a longer prefix is matched each time.
        Assert.Same(first.Suggestions, second.Suggestions);
        Assert.NotSame(longer.Suggestions, (await world.SuggestAsync("alp")).Answer().Suggestions);
        Assert.Equal(["a2"], Ids(otherCount));
        Assert.Equal(["a2", "a1"], Ids(first));

        await world.PutAsync(("a3", "Al"));
        var after = (await world.SuggestAsync("al")).Answer();
        Assert.NotSame(first.Suggestions, after.Suggestions);
        Assert.Equal(["a3", "a2", "a1"], Ids(after));
    }

    private static (string User, string Item, string Type)[] Plays(string item, int users) =>
        [.. Enumerable.Range(0, users).Select(u => ($"{item}-fan{u}", item, "play"))];

    private static List<string> Ids(SuggestResponse response) => [.. response.Suggestions.Select(s => s.ItemId)];

    private static async Task<bool> UntilAsync(Func<Task<bool>> check)
    {
        for (int i = 0; i < 1500; i++)
        {
            if (await check())
            {
                return true;
            }

            await Task.Delay(20, Ct);
        }

        return false;
    }

    /// <summary>The recommendation services with the suggester registered as the search services register it.</summary>
    private sealed class SuggestWorld(RecommendationServices services) : IAsyncDisposable
    {
        public RecommendationServices Services => services;

        public SuggestIndexes Indexes => services.Get<SuggestIndexes>();

        public static async Task<SuggestWorld> StartAsync(Func<CatalogueSnapshot, Func<string, float>?, long?, SuggestView>? build = null) =>
            new(await RecommendationServices.StartAsync(replace: s =>
            {
                s.AddSingleton(p => new SuggestIndexes(p.GetRequiredService<RecommendationModels>()) { BuildView = build ?? SuggestView.Built });
                s.AddSingleton<ITenantObserver>(p => p.GetRequiredService<SuggestIndexes>());
                s.AddSingleton<TitleSuggestions>();
            }));

        public T Get<T>()
            where T : notnull => services.Get<T>();

        public ValueTask<TenantState> StateAsync() => services.Get<TenantStates>().GetAsync(RecommendationServices.Tenant, Ct);

        public async Task PutAsync(params (string Id, string Title)[] items)
        {
            var batch = new ItemBatchRequest([.. items.Select(i => new ItemInput(i.Id, "movie", i.Title, ["Drama"], [], null, null, null))]);
            var put = await services.Get<CatalogueService>().UpsertAsync(RecommendationServices.Tenant, batch, Ct);
            Assert.True(put.IsSuccess, put.Error?.Message);
        }

        public async Task<SuggestCall> SuggestAsync(string q, int? count = null)
        {
            var call = await services.Get<TitleSuggestions>().PrepareAsync(RecommendationServices.Tenant, q, count, null, ["q"], Ct);
            Assert.True(call.IsSuccess, call.Error?.Message);
            return call.Value;
        }

        /// <summary>The ids suggested for <paramref name="q"/> once they are <paramref name="expected"/> (or the last seen).</summary>
        public async Task<List<string>> UntilAsync(string q, List<string> expected)
        {
            List<string> seen = [];
            await SuggestIndexesTests.UntilAsync(async () => (seen = Ids((await SuggestAsync(q)).Answer())).SequenceEqual(expected));
            return seen;
        }

        public ValueTask DisposeAsync() => services.DisposeAsync();
    }
}
