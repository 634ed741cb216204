namespace MaaS.Storage.Tests.Contract;

/// <summary>
/// Pseudonymous users, encryption at rest with key rotation, retention and the full export of a user, as every
/// provider must show them. Each provider derives once (see <see cref="StorageContractTests"/>).
/// </summary>
public abstract class PrivacyContractTests(IStorageSource source) : StorageTestBase(source)
{
    /// <summary>The user key of every open in these tests (the sources' default too): only encryption keys vary.</summary>
    public static readonly string K1 = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string K2 = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray());

    private readonly IStorageSource _source = source;

    [Fact]
    public async Task Users_StoredAsPseudonyms_EveryReadByTheRawIdStillWorks()
    {
        await Storage.Events.AppendAsync(Tenant, [Event("a", user: "alice", item: "i1"), Event("b", user: "alice", item: "i2", minutes: 3), Event("c", user: "bob")], Ct);

        var listed = (await Storage.Users.ListAsync(Tenant, null, 10, Ct)).Value.Select(u => u.UserId).ToList();
        var streamed = await ReadAll(Storage.Events, Tenant);

        Assert.Equal(2, listed.Count);
        Assert.All(listed, id => Assert.StartsWith(PrivacyCodec.UserPrefix, id, StringComparison.Ordinal));
        Assert.DoesNotContain("alice", listed);
        Assert.Equal(listed.Order(StringComparer.Ordinal), streamed.Select(e => e.UserId).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(new UserRecord("alice", T0, T0.AddMinutes(3)), (await Storage.Users.GetAsync(Tenant, "alice", Ct)).Value);
        Assert.Equal(["b", "a"], (await Storage.Events.GetUserHistoryAsync(Tenant, "alice", 10, Ct)).Value.Select(e => e.EventId));
        Assert.All((await Storage.Events.GetUserHistoryAsync(Tenant, "alice", 10, Ct)).Value, e => Assert.Equal("alice", e.UserId));
        Assert.Equal(["i1", "i2"], (await Storage.Events.GetUserItemsAsync(Tenant, "alice", Ct)).Value.Order(StringComparer.Ordinal));
        Assert.Equal(new EraseResult(2, true), (await Storage.Events.EraseUserAsync(Tenant, "alice", Ct)).Value);
        Assert.Equal(ErrorCode.NotFound, (await Storage.Users.GetAsync(Tenant, "alice", Ct)).Error?.Code);
    }

    [Fact]
    public async Task Users_SameIdInTwoTenants_DifferentPseudonyms()
    {
        var other = NewTenant();

        Assert.NotEqual(Pseudonym(Storage.Events, Tenant, "alice"), Pseudonym(Storage.Events, other, "alice"));
        Assert.Equal(Pseudonym(Storage.Events, Tenant, "alice"), Pseudonym(Storage.Events, Tenant, "alice"));
    }

    [Fact]
    public async Task GetUserEventsAsync_MoreThanOneReadLimit_ReturnsExactlyWhatWasStoredNewestFirst()
    {
        var events = Enumerable.Range(0, StorageLimits.MaxReadLimit + 37)
            .Select(i => new InteractionEvent($"x{i}", "heavy", $"i{i % 101}", i % 2 == 0 ? "play" : "rate", i % 9 + 0.5f, T0.AddSeconds(i))).ToList();
        foreach (var chunk in events.Chunk(StorageLimits.MaxBatchSize))
        {
            Assert.True((await Storage.Events.AppendAsync(Tenant, chunk, Ct)).IsSuccess);
        }
        await Storage.Events.AppendAsync(Tenant, [Event("someone-else", user: "light")], Ct);

        var exported = await Storage.Events.GetUserEventsAsync(Tenant, "heavy", Ct);

        Assert.True(exported.IsSuccess, exported.ToString());
        Assert.Equal(Enumerable.Reverse(events), exported.Value);
        Assert.Empty((await Storage.Events.GetUserEventsAsync(Tenant, "nobody", Ct)).Value);
    }

    [Fact]
    public async Task PurgeBeforeAsync_InBatches_DeletesExactlyTheExpiredEventsAndUsersLeftWithout()
    {
        // Events(50): minute i for e{i}, users u0..u6; "old" has only events before the cut, in this tenant only.
        var events = Events(50);
        await Storage.Events.AppendAsync(Tenant, events, Ct);
        await Storage.Events.AppendAsync(Tenant, [Event("old1", user: "old", minutes: -30), Event("old2", user: "old", minutes: -5)], Ct);
        var other = NewTenant();
        await Storage.Events.AppendAsync(other, [Event("kept-elsewhere", user: "old", minutes: -30)], Ct);
        var cut = T0.AddMinutes(20);

        long total = 0, batch;
        var batches = 0;
        do
        {
            batch = (await Storage.Events.PurgeBeforeAsync(Tenant, cut, 7, Ct)).Value;
            total += batch;
            batches++;
        }
        while (batch == 7 && batches < 10);

        Assert.Equal(22, total);
        Assert.Equal(4, batches);
        Assert.Equal(AsStored(Storage.Events, Tenant, events.Skip(20)), await ReadAll(Storage.Events, Tenant));
        Assert.Equal(ErrorCode.NotFound, (await Storage.Users.GetAsync(Tenant, "old", Ct)).Error?.Code);
        Assert.Equal(7, (await Storage.Users.CountAsync(Tenant, Ct)).Value);
        Assert.Equal(T0.AddMinutes(21), (await Storage.Users.GetAsync(Tenant, "u0", Ct)).Value.FirstSeen);
        Assert.Single((await Storage.Events.GetUserHistoryAsync(other, "old", 10, Ct)).Value);
        Assert.Contains(Tenant, (await Storage.Events.ListTenantsAsync(Ct)).Value);
    }

    [Fact]
    public async Task Encryption_RotatedKey_EveryFieldRoundTripsAndIdsStillDeduplicate()
    {
        await using (var first = await OpenWith(Keys("k1", ("k1", K1))))
        {
            await first.Events.AppendAsync(Tenant, [new InteractionEvent("sealed-1", "carol", "item/é", "rate", 4.5f, T0)], Ct);
        }
        await using var second = await OpenWith(Keys("k2", ("k1", K1), ("k2", K2)));
        var appended = await second.Events.AppendAsync(Tenant,
            [new InteractionEvent("sealed-1", "carol", "other", "play", 1, T0), new InteractionEvent("sealed-2", "carol", "item-2", "like", 1, T0.AddMinutes(1), "feedfacecafebeef")], Ct);

        Assert.Equal(new AppendResult(2, 1), appended.Value with { SessionToken = null });
        Assert.Equal(
            [new InteractionEvent("sealed-2", "carol", "item-2", "like", 1, T0.AddMinutes(1), "feedfacecafebeef"), new InteractionEvent("sealed-1", "carol", "item/é", "rate", 4.5f, T0)],
            (await second.Events.GetUserHistoryAsync(Tenant, "carol", 10, Ct)).Value);
        Assert.Equal(["item-2", "item/é"], (await second.Events.GetUserItemsAsync(Tenant, "carol", Ct)).Value.Order(StringComparer.Ordinal));
        Assert.Equal(["sealed-1", "sealed-2"], (await ReadAll(second.Events, Tenant)).Select(e => e.EventId));
        Assert.Equal(new EraseResult(2, true), (await second.Events.EraseUserAsync(Tenant, "carol", Ct)).Value);
    }

    [Fact]
    public async Task Reseal_AfterRotationAcrossARestart_EveryOldRowOnceThenTheOldKeyCanGo()
    {
        var other = NewTenant();
        var newer = new[] { new InteractionEvent("new-1", "u1", "item/é", "like", 1, T0.AddHours(1)), new InteractionEvent("new-2", "dave", "x", "rate", 2.5f, T0.AddHours(2)) };
        await using (var first = await OpenWith(Keys("k1", ("k1", K1))))
        {
            Assert.True((await first.Events.AppendAsync(Tenant, Events(25), Ct)).IsSuccess);
            Assert.True((await first.Events.AppendAsync(other, Events(3), Ct)).IsSuccess);
        }

        long resealed;
        await using (var rotated = await OpenWith(Keys("k2", ("k1", K1), ("k2", K2))))
        {
            Assert.True((await rotated.Events.AppendAsync(Tenant, newer, Ct)).IsSuccess);
            var step = (await rotated.Events.ResealAsync(10, Ct)).Value;
            Assert.Equal(new ResealProgress(10, false, []), step with { Retired = [] });
            Assert.Empty(step.Retired);
            resealed = step.Resealed;
        }

        // A restart resumes from the recorded cursor: each old row is sealed again once, new ones never.
        var retired = new List<string>();
        await using (var restarted = await OpenWith(Keys("k2", ("k1", K1), ("k2", K2))))
        {
            for (int calls = 0; calls < 10; calls++)
            {
                var step = (await restarted.Events.ResealAsync(10, Ct)).Value;
                resealed += step.Resealed;
                retired.AddRange(step.Retired);
                if (step.Done)
                {
                    break;
                }
            }
            Assert.Equal(new ResealProgress(0, true, []), (await restarted.Events.ResealAsync(10, Ct)).Value with { Retired = [] });
        }

        Assert.Equal(28, resealed);
        Assert.Equal(["k1"], retired);
        await using var withoutOldKey = await OpenWith(Keys("k2", ("k2", K2)));
        Assert.Equal(AsStored(withoutOldKey.Events, Tenant, [.. Events(25), .. newer]), await ReadAll(withoutOldKey.Events, Tenant));
        Assert.Equal(AsStored(withoutOldKey.Events, other, Events(3)), await ReadAll(withoutOldKey.Events, other));
        Assert.Equal(Events(25).Where(e => e.UserId == "u1").Append(newer[0]).Reverse(), (await withoutOldKey.Events.GetUserEventsAsync(Tenant, "u1", Ct)).Value);
    }

    [Fact]
    public async Task Encryption_KeyMissingOrWrong_OpenFailsNamingTheKey()
    {
        await using (var sealedStore = await OpenWith(Keys("k1", ("k1", K1))))
        {
            await sealedStore.Events.AppendAsync(Tenant, [Event("s")], Ct);
        }

        var missing = await _source.TryOpenAsync(Keys(null));
        var wrong = await _source.TryOpenAsync(Keys("k1", ("k1", K2)));
        var malformed = await _source.TryOpenAsync(Keys("k1", ("k1", "not base64!")));

        Assert.Equal(ErrorCode.DependencyUnavailable, missing.Error?.Code);
        Assert.Contains("'k1'", missing.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("Privacy:EncryptionKeys", missing.Error.Message, StringComparison.Ordinal);
        Assert.Contains("Privacy:EncryptionKeys:k1 is not the key", wrong.Error?.Message, StringComparison.Ordinal);
        Assert.Contains("base64", malformed.Error?.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(K2, wrong.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserKey_NotTheOneTheDataWasWrittenWith_OpenFails()
    {
        await using (var keyed = await OpenWith(new PrivacyOptions { UserKey = K1 }))
        {
            await keyed.Events.AppendAsync(Tenant, [Event("a")], Ct);
        }

        var other = await _source.TryOpenAsync(new PrivacyOptions { UserKey = K2 });

        Assert.Equal(ErrorCode.DependencyUnavailable, other.Error?.Code);
        Assert.Contains("user key", other.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Encryption_TurnedOnOverClearEvents_SealsThemAndKeepsEveryEvent()
    {
        await using (var clear = await OpenWith(new PrivacyOptions { UserKey = K1 }))
        {
            await clear.Events.AppendAsync(Tenant, Events(30), Ct);
        }

        await using var encrypted = await OpenWith(Keys("k1", ("k1", K1)));

        Assert.Equal(AsStored(encrypted.Events, Tenant, Events(30)), await ReadAll(encrypted.Events, Tenant));
        Assert.Equal(Events(30).Where(e => e.UserId == "u3").Reverse(), (await encrypted.Events.GetUserEventsAsync(Tenant, "u3", Ct)).Value);
    }

    [Fact]
    public async Task GetFeedAsync_EventsSealedAndClear_EachItemOpened()
    {
        Assert.True((await Storage.Events.AppendAsync(Tenant, [Event("clear", item: "plain")], Ct)).IsSuccess);
        await using var encrypted = await OpenWith(Keys("k1", ("k1", K1)));
        Assert.True((await encrypted.Events.AppendAsync(Tenant, [Event("sealed", item: "secret", minutes: 5)], Ct)).IsSuccess);

        var feed = await ReadFeedAsync(encrypted, 2);

        Assert.Equal([new FeedEvent("plain", T0), new FeedEvent("secret", T0.AddMinutes(5))], feed);
    }

    private async Task<IStorage> OpenWith(PrivacyOptions privacy)
    {
        var opened = await _source.TryOpenAsync(privacy);
        Assert.True(opened.IsSuccess, opened.ToString());
        return opened.Value;
    }

    // Every open in these tests uses the same user key, so only the encryption keys vary.
    private static PrivacyOptions Keys(string? current, params (string Id, string Key)[] keys) => new()
    {
        UserKey = K1,
        EncryptionKeyId = current,
        EncryptionKeys = keys.ToDictionary(k => k.Id, k => k.Key, StringComparer.Ordinal),
    };
}
