namespace MaaS.Storage.Tests.Contract;

/// <summary>
/// The behaviour every <see cref="IStorage"/> must show. Each provider derives once and supplies the
/// <see cref="IStorageSource"/> that opens (and reopens) its database.
/// </summary>
public abstract class StorageContractTests(IStorageSource source) : StorageTestBase(source)
{
    [Fact]
    public async Task AppendAsync_NewEvents_ReturnsInsertedCount()
    {
        var result = await Storage.Events.AppendAsync(Tenant, Events(25), Ct);

        Assert.True(result.IsSuccess, result.ToString());
        Assert.Equal(new AppendResult(25, 25), result.Value with { SessionToken = null });
        Assert.Equal(25, (await Storage.Events.CountAsync(Tenant, Ct)).Value);
        if (result.Value.SessionToken is { } token)
        {
            // A store with other writers names the commit; its own feed has it at once (read-your-writes here).
            Assert.True(Storage.Events.UserChanges.HasApplied(token));
        }
    }

    [Fact]
    public async Task AppendAsync_SameEventIdTwice_StoresOneRow()
    {
        var first = await Storage.Events.AppendAsync(Tenant, [Event("dup", minutes: 1), Event("a")], Ct);
        var again = await Storage.Events.AppendAsync(Tenant, [Event("dup", user: "other", minutes: 9), Event("b"), Event("b")], Ct);

        var nothingNew = await Storage.Events.AppendAsync(Tenant, [Event("a")], Ct);

        Assert.Equal(new AppendResult(2, 2), first.Value with { SessionToken = null });
        Assert.Equal(new AppendResult(3, 1), again.Value with { SessionToken = null });
        Assert.Equal(new AppendResult(1, 0), nothingNew.Value);
        Assert.Equal(3, (await Storage.Events.CountAsync(Tenant, Ct)).Value);
        var stored = Assert.Single(await ReadAll(Storage.Events, Tenant), e => e.EventId == "dup");
        Assert.Equal(AsStored(Storage.Events, Tenant, [Event("dup", minutes: 1)])[0], stored);
        Assert.Equal(NotFound, (await Storage.Users.GetAsync(Tenant, "other", Ct)).Error?.Code);
    }

    [Fact]
    public async Task AppendAsync_ThenReopen_AllEventsStillThere()
    {
        var events = Events(1_200);
        foreach (var chunk in events.Chunk(500))
        {
            Assert.True((await Storage.Events.AppendAsync(Tenant, chunk, Ct)).IsSuccess);
        }

        await ReopenAsync();

        Assert.Equal(AsStored(Storage.Events, Tenant, events), await ReadAll(Storage.Events, Tenant));
    }

    [Fact]
    public async Task AppendAsync_RoundTrip_KeepsEveryFieldAtMillisecondPrecisionInUtc()
    {
        var local = new DateTimeOffset(2026, 5, 6, 7, 8, 9, TimeSpan.FromHours(2)).AddTicks(1_234_567);
        var sent = new InteractionEvent("precise", "user é ✓", "item/42", "rate", 4.5f, local);

        await Storage.Events.AppendAsync(Tenant, [sent], Ct);

        var got = Assert.Single((await Storage.Events.GetUserHistoryAsync(Tenant, "user é ✓", 10, Ct)).Value);
        Assert.Equal(sent with { Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(local.ToUnixTimeMilliseconds()) }, got);
        Assert.Equal(TimeSpan.Zero, got.Timestamp.Offset);
    }

    [Fact]
    public async Task AppendAsync_AttributedEvents_RecommendationIdReadBackByEveryRead()
    {
        var attributed = Event("clicked", user: "ann") with { RecommendationId = "0123456789abcdef" };
        var plain = Event("unattributed", user: "ann") with { Timestamp = attributed.Timestamp.AddSeconds(1) };

        await Storage.Events.AppendAsync(Tenant, [attributed, plain], Ct);

        Assert.Equal([plain, attributed], (await Storage.Events.GetUserHistoryAsync(Tenant, "ann", 10, Ct)).Value);
        Assert.Equal([plain, attributed], (await Storage.Events.GetUserEventsAsync(Tenant, "ann", Ct)).Value);
        var streamed = await ReadAll(Storage.Events, Tenant);
        Assert.Equal("0123456789abcdef", Assert.Single(streamed, e => e.EventId == "clicked").RecommendationId);
        Assert.Null(Assert.Single(streamed, e => e.EventId == "unattributed").RecommendationId);
    }

    [Fact]
    public async Task AppendAsync_ConcurrentBatches_AllStoredWithoutBusyErrors()
    {
        var tasks = Enumerable.Range(0, 8)
            .Select(w => Task.Run(async () =>
            {
                for (var b = 0; b < 5; b++)
                {
                    var result = await Storage.Events.AppendAsync(Tenant, Events(100, prefix: $"w{w}b{b}-"), Ct);
                    Assert.True(result.IsSuccess, result.ToString());
                }
            }, Ct));

        await Task.WhenAll(tasks);

        Assert.Equal(4_000, (await Storage.Events.CountAsync(Tenant, Ct)).Value);
    }

    [Fact]
    public async Task GetUserHistoryAsync_ManyEvents_NewestFirstUpToLimit()
    {
        // Arrival order differs from time order, and two events share a timestamp (later arrival wins the tie).
        await Storage.Events.AppendAsync(Tenant,
            [Event("m3", minutes: 3), Event("m1", minutes: 1), Event("m5", minutes: 5), Event("m5b", minutes: 5), Event("x", user: "u2", minutes: 9)], Ct);
        await Storage.Events.AppendAsync(Tenant, [Event("m2", minutes: 2)], Ct);

        var history = await Storage.Events.GetUserHistoryAsync(Tenant, "u1", 4, Ct);

        Assert.True(history.IsSuccess, history.ToString());
        Assert.Equal(["m5b", "m5", "m3", "m2"], history.Value.Select(e => e.EventId));
    }

    [Fact]
    public async Task GetUserHistoryAsync_UnknownUser_EmptyList()
    {
        var history = await Storage.Events.GetUserHistoryAsync(Tenant, "nobody", 10, Ct);

        Assert.True(history.IsSuccess);
        Assert.Empty(history.Value);
    }

    [Fact]
    public async Task GetUserItemsAsync_EventsBeyondAnyHistoryLimit_EveryItemOnceWhateverTypeOrAge()
    {
        // 300 events over 250 items (50 played twice, the repeats the newest), one skip and one very old view: the read
        // is not bounded by a history window, and every event type counts.
        var events = Enumerable.Range(0, 300).Select(i => Event($"p{i}", item: $"i{i % 250}", minutes: i)).ToList();
        events.Add(Event("skip", item: "skipped", minutes: 400, type: "skip", value: -1f));
        events.Add(Event("old", item: "ancient", minutes: -100_000, type: "view"));
        events.Add(Event("other-user", user: "u2", item: "theirs"));
        foreach (var chunk in events.Chunk(StorageLimits.MaxBatchSize))
        {
            Assert.True((await Storage.Events.AppendAsync(Tenant, chunk, Ct)).IsSuccess);
        }
        var otherTenant = NewTenant();
        await Storage.Events.AppendAsync(otherTenant, [Event("elsewhere", item: "other-tenant")], Ct);

        var items = await Storage.Events.GetUserItemsAsync(Tenant, "u1", Ct);

        Assert.True(items.IsSuccess, items.ToString());
        var expected = Enumerable.Range(0, 250).Select(i => $"i{i}").Append("skipped").Append("ancient").Order(StringComparer.Ordinal);
        Assert.Equal(expected, items.Value.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetUserItemsAsync_UnknownOrErasedUser_EmptyList()
    {
        await Storage.Events.AppendAsync(Tenant, [Event("a", item: "i1"), Event("b", item: "i2")], Ct);
        await Storage.Events.EraseUserAsync(Tenant, "u1", Ct);

        var erased = await Storage.Events.GetUserItemsAsync(Tenant, "u1", Ct);
        var unknown = await Storage.Events.GetUserItemsAsync(Tenant, "nobody", Ct);

        Assert.True(erased.IsSuccess, erased.ToString());
        Assert.Empty(erased.Value);
        Assert.True(unknown.IsSuccess, unknown.ToString());
        Assert.Empty(unknown.Value);
    }

    [Fact]
    public async Task EraseUserAsync_UserWithEvents_RemovesAllOfThatUserAndNothingElse()
    {
        await Storage.Events.AppendAsync(Tenant, Events(70, users: 7), Ct);
        var otherTenant = NewTenant();
        await Storage.Events.AppendAsync(otherTenant, [Event("same-user-other-tenant", user: "u3")], Ct);

        var erased = await Storage.Events.EraseUserAsync(Tenant, "u3", Ct);

        Assert.Equal(new EraseResult(10, true), erased.Value);
        Assert.Empty((await Storage.Events.GetUserHistoryAsync(Tenant, "u3", 100, Ct)).Value);
        Assert.Equal(NotFound, (await Storage.Users.GetAsync(Tenant, "u3", Ct)).Error?.Code);
        var remaining = await ReadAll(Storage.Events, Tenant);
        Assert.Equal(60, remaining.Count);
        Assert.DoesNotContain(remaining, e => e.UserId == Pseudonym(Storage.Events, Tenant, "u3"));
        Assert.Equal(6, (await Storage.Users.CountAsync(Tenant, Ct)).Value);
        Assert.Single((await Storage.Events.GetUserHistoryAsync(otherTenant, "u3", 10, Ct)).Value);
    }

    [Fact]
    public async Task EraseUserAsync_UnknownUser_SucceedsWithZeroCounts()
    {
        var erased = await Storage.Events.EraseUserAsync(Tenant, "ghost", Ct);

        Assert.Equal(new EraseResult(0, false), erased.Value);
    }

    [Fact]
    public async Task AppendAsync_NewEvents_TracksUsersFirstAndLastSeen()
    {
        await Storage.Events.AppendAsync(Tenant, [Event("a", minutes: 10), Event("b", minutes: 5), Event("c", user: "u2", minutes: 7)], Ct);
        await Storage.Events.AppendAsync(Tenant, [Event("d", minutes: 20), Event("a", minutes: 0)], Ct);

        var user = await Storage.Users.GetAsync(Tenant, "u1", Ct);

        Assert.Equal(new UserRecord("u1", T0.AddMinutes(5), T0.AddMinutes(20)), user.Value);
        // Listing cannot invert the hash: it pages the pseudonyms, in their order.
        string[] pseudonyms = [.. new[] { "u1", "u2" }.Select(u => Pseudonym(Storage.Events, Tenant, u)).Order(StringComparer.Ordinal)];
        Assert.Equal(pseudonyms, (await Storage.Users.ListAsync(Tenant, null, 10, Ct)).Value.Select(u => u.UserId));
        Assert.Equal(pseudonyms[1..], (await Storage.Users.ListAsync(Tenant, pseudonyms[0], 10, Ct)).Value.Select(u => u.UserId));
    }

    [Fact]
    public async Task AppendAsync_OtherTenant_IsInvisible()
    {
        var other = NewTenant();
        await Storage.Events.AppendAsync(other, Events(5), Ct);
        await Storage.Catalog.UpsertAsync(other, [Item("i1")], Ct);

        Assert.Equal(0, (await Storage.Events.CountAsync(Tenant, Ct)).Value);
        Assert.Empty(await ReadAll(Storage.Events, Tenant));
        Assert.Empty((await Storage.Events.GetUserHistoryAsync(Tenant, "u1", 10, Ct)).Value);
        Assert.Equal(NotFound, (await Storage.Catalog.GetAsync(Tenant, "i1", Ct)).Error?.Code);
        Assert.Equal(0, (await Storage.Users.CountAsync(Tenant, Ct)).Value);
    }

    [Fact]
    public async Task StreamAllAsync_SmallBatches_YieldsEveryEventOnceInArrivalOrder()
    {
        var events = Events(1_001);
        foreach (var chunk in events.Chunk(300))
        {
            await Storage.Events.AppendAsync(Tenant, chunk, Ct);
        }

        var streamed = await ReadAll(Storage.Events, Tenant, batchSize: 100);

        Assert.Equal(AsStored(Storage.Events, Tenant, events), streamed);
    }

    [Fact]
    public async Task StreamAllAsync_Since_OnlyEventsAtOrAfterIt()
    {
        await Storage.Events.AppendAsync(Tenant, Events(50), Ct);

        var streamed = await ReadAll(Storage.Events, Tenant, since: T0.AddMinutes(40), batchSize: 3);

        Assert.Equal(Enumerable.Range(40, 10).Select(i => $"e{i}"), streamed.Select(e => e.EventId));
    }

    [Fact]
    public async Task AppendAsync_BadEvents_RejectsWholeBatchListingEveryFailure()
    {
        var events = new[]
        {
            Event("ok"),
            Event(""),
            Event("nan", value: float.NaN),
            Event("long-user", user: new string('u', StorageLimits.MaxIdLength + 1)),
            Event("inf", value: float.PositiveInfinity) with { ItemId = " " },
            Event("notime") with { Timestamp = default },
            Event("type", type: "has space"),
            Event("attributed") with { RecommendationId = new string('r', StorageLimits.MaxIdLength + 1) },
        };

        var result = await Storage.Events.AppendAsync(Tenant, events, Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal(
            [(1, "EventId"), (2, "Value"), (3, "UserId"), (4, "ItemId"), (4, "Value"), (5, "Timestamp"), (6, "Type"), (7, "RecommendationId")],
            result.Error!.Problems.Select(f => (f.Index, f.Field)));
        Assert.Equal(0, (await Storage.Events.CountAsync(Tenant, Ct)).Value);
    }

    [Fact]
    public async Task AppendAsync_IdAtLengthLimit_Accepted()
    {
        var id = new string('x', StorageLimits.MaxIdLength);

        var result = await Storage.Events.AppendAsync(Tenant, [Event(id, user: id, item: id)], Ct);

        Assert.Equal(1, result.Value.Inserted);
    }

    [Theory]
    [InlineData("")]
    [InlineData("has space")]
    [InlineData("semi;colon")]
    public async Task AppendAsync_BadTenant_InvalidInput(string tenant)
    {
        var result = await Storage.Events.AppendAsync(tenant, [Event("a")], Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal("tenant", result.Error!.Problems[0].Field);
    }

    [Fact]
    public async Task Reads_BadArguments_InvalidInput()
    {
        Assert.Equal(Invalid, (await Storage.Events.GetUserHistoryAsync(Tenant, "", 10, Ct)).Error?.Code);
        Assert.Equal(Invalid, (await Storage.Events.GetUserHistoryAsync(Tenant, "u1", 0, Ct)).Error?.Code);
        Assert.Equal(Invalid, (await Storage.Events.GetUserItemsAsync(Tenant, "", Ct)).Error?.Code);
        Assert.Equal(Invalid, (await Storage.Events.GetUserItemsAsync("", "u1", Ct)).Error?.Code);
        Assert.Equal(Invalid, (await Storage.Events.EraseUserAsync(Tenant, new string('u', 129), Ct)).Error?.Code);
        Assert.Equal(Invalid, (await Storage.Catalog.GetAsync(Tenant, "", Ct)).Error?.Code);
        Assert.Equal(Invalid, (await Storage.Catalog.ListAsync(Tenant, null, StorageLimits.MaxReadLimit + 1, Ct)).Error?.Code);
        Assert.Equal(Invalid, (await Storage.Users.GetAsync(Tenant, "\0", Ct)).Error?.Code);
    }

    [Fact]
    public async Task UpsertAsync_NewItems_GetReturnsEveryField()
    {
        var movie = Item("m1");
        var song = new CatalogItem("s1", ItemKind.Song, "Song", [], ["live"], null, null, null);

        var written = await Storage.Catalog.UpsertAsync(Tenant, [movie, song], Ct);

        Assert.Equal(2, written.Value);
        AssertSameItem(movie, (await Storage.Catalog.GetAsync(Tenant, "m1", Ct)).Value);
        AssertSameItem(song, (await Storage.Catalog.GetAsync(Tenant, "s1", Ct)).Value);
        Assert.Equal(2, (await Storage.Catalog.CountAsync(Tenant, Ct)).Value);
    }

    [Fact]
    public async Task UpsertAsync_ExistingId_ReplacesAllFields()
    {
        await Storage.Catalog.UpsertAsync(Tenant, [Item("g1", ItemKind.Game)], Ct);
        var replacement = new CatalogItem("g1", ItemKind.Game, "Renamed", ["RPG"], [], "new text", new DateOnly(2030, 1, 1), null);

        await Storage.Catalog.UpsertAsync(Tenant, [replacement], Ct);

        AssertSameItem(replacement, (await Storage.Catalog.GetAsync(Tenant, "g1", Ct)).Value);
        Assert.Equal(1, (await Storage.Catalog.CountAsync(Tenant, Ct)).Value);
    }

    [Fact]
    public async Task UpsertAsync_RepeatedIdInBatch_LastWins()
    {
        await Storage.Catalog.UpsertAsync(Tenant, [Item("r", title: "first"), Item("r", title: "second")], Ct);

        Assert.Equal("second", (await Storage.Catalog.GetAsync(Tenant, "r", Ct)).Value.Title);
    }

    [Fact]
    public async Task UpsertAsync_BadItems_RejectsBatchWithEveryFailure()
    {
        var items = new[]
        {
            Item("fine"),
            Item("") with { Title = "" },
            Item("kind") with { Kind = (ItemKind)42 },
            Item("dates") with { AvailableFrom = new DateOnly(2026, 2, 1), AvailableUntil = new DateOnly(2026, 1, 1) },
            Item("genre") with { Genres = ["ok", ""] },
        };

        var result = await Storage.Catalog.UpsertAsync(Tenant, items, Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Equal([(1, "ItemId"), (1, "Title"), (2, "Kind"), (3, "AvailableUntil"), (4, "Genres")],
            result.Error!.Problems.Select(f => (f.Index, f.Field)));
        Assert.Equal(0, (await Storage.Catalog.CountAsync(Tenant, Ct)).Value);
    }

    [Fact]
    public async Task GetAsync_MissingItem_NotFound()
    {
        var result = await Storage.Catalog.GetAsync(Tenant, "missing", Ct);

        Assert.Equal(NotFound, result.Error?.Code);
    }

    [Fact]
    public async Task GetManyAsync_SomeMissing_ReturnsOnlyFound()
    {
        await Storage.Catalog.UpsertAsync(Tenant, [Item("a"), Item("b"), Item("c")], Ct);

        var found = await Storage.Catalog.GetManyAsync(Tenant, ["c", "a", "zz", "a"], Ct);

        Assert.Equal(["a", "c"], found.Value.Keys.Order(StringComparer.Ordinal));
        AssertSameItem(Item("c"), found.Value["c"]);
    }

    [Fact]
    public async Task ListAsync_Pages_CoverAllItemsInOrdinalIdOrder()
    {
        var ids = new[] { "b", "a", "B", "a2", "é", "z", "_", "10", "9" };
        await Storage.Catalog.UpsertAsync(Tenant, [.. ids.Select(id => Item(id))], Ct);

        var paged = new List<string>();
        string? after = null;
        while (true)
        {
            var page = (await Storage.Catalog.ListAsync(Tenant, after, 2, Ct)).Value;
            paged.AddRange(page.Select(i => i.ItemId));
            if (page.Count < 2)
            {
                break;
            }

            after = page[^1].ItemId;
        }
        var streamed = new List<string>();
        await foreach (var item in Storage.Catalog.StreamAllAsync(Tenant, 3, Ct))
        {
            streamed.Add(item.ItemId);
        }

        var expected = ids.Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, paged);
        Assert.Equal(expected, streamed);
    }

    private const ErrorCode NotFound = ErrorCode.NotFound;
    private const ErrorCode Invalid = ErrorCode.InvalidRequest;

    private static void AssertSameItem(CatalogItem expected, CatalogItem actual)
    {
        Assert.Equal(expected with { Genres = Array.Empty<string>(), Tags = Array.Empty<string>() }, actual with { Genres = Array.Empty<string>(), Tags = Array.Empty<string>() });
        Assert.Equal(expected.Genres, actual.Genres);
        Assert.Equal(expected.Tags, actual.Tags);
    }
}
