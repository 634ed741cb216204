namespace MaaS.Services.Tests.Recommendations;

/// <summary>
/// Items a user has consumed never come back, however far they lie behind <see cref="RecommendationOptions.HistoryLimit"/>.
/// The world: 280 items, 40 other users who play overlapping runs of 60 of them (every item is known to the index and
/// popular enough to fill a page), and a heavy user who played i0..i249 in that order, so i0..i49 are older than the
/// default window of 200 events. Only 30 items (i250..i279) are left to offer, fewer than the page of 50 asked for:
/// a page that excludes only the window has to show played items.
/// </summary>
public sealed class SeenItemsTests
{
    private const string Heavy = "heavy";
    private const int Items = 280;
    private const int Played = 250;

    [Theory]
    [InlineData(null)]
    [InlineData("cf")]
    public async Task RecommendAsync_PlaysBeyondHistoryLimit_NoPlayedItemInTopFifty(string? strategy)
    {
        await using var services = await WorldAsync();

        var page = await RecommendAsync(services, strategy);

        var played = page.Where(id => Index(id) < Played).ToList();
        Assert.True(played.Count == 0, $"{played.Count} played items in a top-50 of {page.Count} (history limit {new RecommendationOptions().HistoryLimit}): {string.Join(", ", played)}");
        Assert.Equal(Enumerable.Range(Played, Items - Played).Select(i => $"i{i}").Order(StringComparer.Ordinal), page.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task RecommendAsync_CachedHistoryThenNewPlayThenErasure_SeenSetFollowsTheStore()
    {
        await using var services = await WorldAsync();
        Assert.True(services.Get<UserHistoryCache>().Enabled);
        await RecommendAsync(services, "cf");

        // Served from the cache: still nothing played; then a play of an offered item must take it off the next page.
        Assert.DoesNotContain(await RecommendAsync(services, "cf"), id => Index(id) < Played);
        await services.AppendAsync((Heavy, "i260", "play"));
        var afterPlay = await RecommendAsync(services, "cf");
        Assert.DoesNotContain(afterPlay, id => Index(id) < Played);
        Assert.DoesNotContain("i260", afterPlay);
        Assert.Equal(Items - Played - 1, afterPlay.Count);

        // Erased, the user has consumed nothing: the page fills again, played items included.
        var erased = await services.Get<UserErasure>().EraseAsync(RecommendationServices.Tenant, Heavy, Ct);
        Assert.True(erased.IsSuccess, erased.Error?.Message);
        var afterErase = await RecommendAsync(services, "cf");
        Assert.Equal(50, afterErase.Count);
        Assert.Contains(afterErase, id => Index(id) < Played);
    }

    private static async Task<List<string>> RecommendAsync(RecommendationServices services, string? strategy)
    {
        var request = new RecommendRequest(Heavy, null, null, 50, null, null, Explain: false, Include: null, Strategy: strategy);
        var result = await services.Get<RecommendationService>().RecommendAsync(RecommendationServices.Tenant, request, Ct);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return [.. result.Value.Items.Select(i => i.ItemId)];
    }

    private static int Index(string itemId) => int.Parse(itemId.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);

    private static async Task<RecommendationServices> WorldAsync()
    {
        var services = await RecommendationServices.StartAsync();
        var others = new List<(string, string, string)>();
        for (int u = 0; u < 40; u++)
        {
            others.AddRange(Enumerable.Range(0, 60).Select(j => ($"u{u}", $"i{((u * 7) + j) % Items}", "play")));
        }

        await services.AppendAsync([.. others]);

        // One batch, oldest first: the events share a timestamp and the later arrival counts as the newer.
        await services.AppendAsync([.. Enumerable.Range(0, Played).Select(i => (Heavy, $"i{i}", "play"))]);
        await services.RebuildAsync();
        return services;
    }
}
