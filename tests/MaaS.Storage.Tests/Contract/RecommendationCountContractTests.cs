namespace MaaS.Storage.Tests.Contract;

/// <summary>
/// The behaviour of every <see cref="IRecommendationCountStore"/>: additions sum (also from two stores on one database,
/// as two replicas), hours are UTC hours, a tenant reads only its own rows, ranges are half-open by hour start.
/// </summary>
public abstract class RecommendationCountContractTests(IStorageSource source) : StorageTestBase(source)
{
    private static readonly DateTimeOffset Hour8 = new(2026, 12, 7, 8, 0, 0, TimeSpan.Zero);

    private RecommendationCount Count(DateTimeOffset hour, string kind, string name, long count, string? tenant = null) =>
        new(tenant ?? Tenant, hour, kind, name, count);

    private async Task<IReadOnlyList<RecommendationCount>> ReadAsync(IStorage storage, string tenant, DateTimeOffset from, DateTimeOffset to)
    {
        var read = await storage.RecommendationCounts.ReadAsync(tenant, from, to, Ct);
        Assert.True(read.IsSuccess, read.ToString());
        return read.Value;
    }

    [Fact]
    public async Task AddAsync_TwoStoresOnOneDatabaseAtOnce_EveryAdditionSums()
    {
        await using var other = await OpenAsync();
        var writes = new List<Task<Result<int>>>();
        for (int i = 0; i < 20; i++)
        {
            var store = (i % 2 == 0 ? Storage : other).RecommendationCounts;
            writes.Add(store.AddAsync([Count(Hour8, "served", "neighbours", 3), Count(Hour8, "answers", "", 1)], Ct).AsTask());
        }

        var results = await Task.WhenAll(writes);

        Assert.All(results, r => Assert.True(r.IsSuccess, r.ToString()));
        var rows = await ReadAsync(other, Tenant, Hour8, Hour8.AddHours(1));
        Assert.Equal([("answers", "", 20L), ("served", "neighbours", 60L)], rows.Select(r => (r.Kind, r.Name, r.Count)));
    }

    [Fact]
    public async Task AddAsync_TimesWithinTheHourInAnyOffset_OneRowPerUtcHour()
    {
        var added = await Storage.RecommendationCounts.AddAsync(
        [
            Count(new DateTimeOffset(2026, 12, 7, 10, 37, 5, TimeSpan.FromHours(2)), "attributed", "play", 2),
            Count(Hour8.AddMinutes(59).AddSeconds(59.999), "attributed", "play", 3),
            Count(Hour8, "attributed", "play", 1),
            Count(Hour8.AddHours(1), "attributed", "play", 7),
        ], Ct);

        Assert.Equal(2, added.Value);
        var rows = await ReadAsync(Storage, Tenant, Hour8.AddDays(-1), Hour8.AddDays(1));
        Assert.Equal([(Hour8, 6L), (Hour8.AddHours(1), 7L)], rows.Select(r => (r.Hour, r.Count)));
        Assert.All(rows, r => Assert.Equal(TimeSpan.Zero, r.Hour.Offset));
    }

    [Fact]
    public async Task ReadAsync_HalfOpenRangeOfHourStarts_OnlyThoseHoursInOrder()
    {
        Assert.True((await Storage.RecommendationCounts.AddAsync(
            [.. Enumerable.Range(0, 5).Select(h => Count(Hour8.AddHours(h), "served", "popular", h + 1))], Ct)).IsSuccess);

        var rows = await ReadAsync(Storage, Tenant, Hour8.AddHours(1), Hour8.AddHours(3));

        Assert.Equal([(Hour8.AddHours(1), 2L), (Hour8.AddHours(2), 3L)], rows.Select(r => (r.Hour, r.Count)));
    }

    [Fact]
    public async Task ReadAsync_AnotherTenantsCounts_NeverSeen()
    {
        string other = NewTenant();
        Assert.True((await Storage.RecommendationCounts.AddAsync([Count(Hour8, "answers", "", 5, other), Count(Hour8, "answers", "", 2)], Ct)).IsSuccess);

        var mine = await ReadAsync(Storage, Tenant, Hour8, Hour8.AddHours(1));
        var theirs = await ReadAsync(Storage, other, Hour8, Hour8.AddHours(1));

        Assert.Equal(2L, Assert.Single(mine).Count);
        Assert.Equal(5L, Assert.Single(theirs).Count);
        Assert.Equal(other, theirs[0].Tenant);
    }

    [Fact]
    public async Task AddAsync_OneBadCountInTheCall_RefusedWithEveryProblemAndNothingAdded()
    {
        var refused = await Storage.RecommendationCounts.AddAsync(
            [Count(Hour8, "served", "content", 1), Count(Hour8, "shown", "x", 1), Count(Hour8, "attributed", "play", -1), Count(Hour8, "served", "", 1)], Ct);

        Assert.Equal(ErrorCode.InvalidRequest, refused.Error?.Code);
        Assert.Equal([(1, "kind"), (2, "count"), (3, "name")], refused.Error!.Problems.Select(p => (p.Index ?? -1, p.Field)));
        Assert.Empty(await ReadAsync(Storage, Tenant, Hour8, Hour8.AddHours(1)));
    }

    [Fact]
    public async Task PurgeBeforeAsync_CutoffWithinAnHour_HoursEndedByThenGoneTheRestAndOtherTenantsKept()
    {
        string other = NewTenant();
        Assert.True((await Storage.RecommendationCounts.AddAsync(
            [.. Enumerable.Range(0, 4).Select(h => Count(Hour8.AddHours(h), "served", "popular", h + 1)), Count(Hour8, "answers", "", 9, other)], Ct)).IsSuccess);

        // 10:30: the hours 8-9 and 9-10 have ended; 10-11 holds events newer than the cutoff and stays whole.
        var purged = await Storage.RecommendationCounts.PurgeBeforeAsync(Tenant, Hour8.AddHours(2.5), Ct);
        var again = await Storage.RecommendationCounts.PurgeBeforeAsync(Tenant, Hour8.AddHours(2.5), Ct);

        Assert.Equal((2L, 0L), (purged.Value, again.Value));
        var rows = await ReadAsync(Storage, Tenant, Hour8.AddDays(-1), Hour8.AddDays(1));
        Assert.Equal([(Hour8.AddHours(2), 3L), (Hour8.AddHours(3), 4L)], rows.Select(r => (r.Hour, r.Count)));
        Assert.Equal(9L, Assert.Single(await ReadAsync(Storage, other, Hour8, Hour8.AddHours(1))).Count);
    }

    [Fact]
    public async Task PurgeBeforeAsync_CutoffOnAnHourBoundary_TheHourThatEndsThereGoes()
    {
        Assert.True((await Storage.RecommendationCounts.AddAsync([Count(Hour8, "answers", "", 1), Count(Hour8.AddHours(1), "answers", "", 2)], Ct)).IsSuccess);

        var purged = await Storage.RecommendationCounts.PurgeBeforeAsync(Tenant, Hour8.AddHours(1), Ct);

        Assert.Equal(1L, purged.Value);
        Assert.Equal(2L, Assert.Single(await ReadAsync(Storage, Tenant, Hour8.AddDays(-1), Hour8.AddDays(1))).Count);
    }

    [Fact]
    public async Task ListTenantsAsync_TenantsWithCounts_EachOnceInOrdinalOrder()
    {
        string other = NewTenant();
        Assert.True((await Storage.RecommendationCounts.AddAsync(
            [Count(Hour8, "answers", "", 1), Count(Hour8.AddHours(1), "answers", "", 1), Count(Hour8, "answers", "", 1, other)], Ct)).IsSuccess);

        var tenants = (await Storage.RecommendationCounts.ListTenantsAsync(Ct)).Value;

        // The database may hold other tests' tenants: these two are there once each, and the whole list is in order.
        Assert.Equal(1, tenants.Count(t => t == Tenant));
        Assert.Equal(1, tenants.Count(t => t == other));
        Assert.Equal(tenants.Order(StringComparer.Ordinal), tenants);
    }

    [Fact]
    public async Task AddAsync_ThenReopen_CountsKept()
    {
        Assert.True((await Storage.RecommendationCounts.AddAsync([Count(Hour8, "attributed", "click", 4)], Ct)).IsSuccess);

        await ReopenAsync();
        Assert.True((await Storage.RecommendationCounts.AddAsync([Count(Hour8, "attributed", "click", 1)], Ct)).IsSuccess);

        Assert.Equal(5L, Assert.Single(await ReadAsync(Storage, Tenant, Hour8, Hour8.AddHours(1))).Count);
    }
}
