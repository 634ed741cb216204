namespace MaaS.Storage.Tests.Contract;

/// <summary>The behaviour of every <see cref="IStorage"/>'s agent store: definitions, the decision log, outcomes and defaults.</summary>
public abstract class AgentStoreContractTests(IStorageSource source) : StorageTestBase(source)
{
    private static readonly DateTimeOffset Decided = new(2026, 5, 1, 9, 15, 0, 250, TimeSpan.Zero);

    private AgentDecision Decision(string? id = null, DateTimeOffset? at = null, string agent = "npc") =>
        new(id ?? Guid.NewGuid().ToString("N"), Tenant, agent, """{"skill":0.4}""", """[{"id":"easy"}]""", "easy", 0.25, at ?? Decided);

    [Fact]
    public async Task PutAsync_Twice_VersionGrowsAndGetReadsTheLatest()
    {
        var first = await Storage.Agents.PutAsync(Tenant, "npc", """{"v":1}""", Ct);
        var second = await Storage.Agents.PutAsync(Tenant, "npc", """{"v":2}""", Ct);
        var got = await Storage.Agents.GetAsync(Tenant, "npc", Ct);
        var otherTenant = await Storage.Agents.GetAsync(Tenant + "x", "npc", Ct);

        Assert.Equal(1, first.Value.Version);
        Assert.Equal(2, second.Value.Version);
        Assert.Equal(("""{"v":2}""", 2L), (got.Value.Definition, got.Value.Version));
        Assert.Equal(ErrorCode.NotFound, otherTenant.Error!.Code);
    }

    [Fact]
    public async Task ListAsync_SeveralAgents_TenantsOwnByNameUpToLimit()
    {
        await Storage.Agents.PutAsync(Tenant, "orc", """{"v":1}""", Ct);
        await Storage.Agents.PutAsync(Tenant, "boss", """{"v":1}""", Ct);
        await Storage.Agents.PutAsync(Tenant, "npc", """{"v":1}""", Ct);
        await Storage.Agents.PutAsync(Tenant, "npc", """{"v":2}""", Ct);
        await Storage.Agents.PutAsync(Tenant + "x", "elf", """{"v":1}""", Ct);

        var all = await Storage.Agents.ListAsync(Tenant, null, 10, Ct);
        var two = await Storage.Agents.ListAsync(Tenant, null, 2, Ct);
        var rest = await Storage.Agents.ListAsync(Tenant, two.Value[^1].Name, 2, Ct);

        Assert.Equal(["boss", "npc", "orc"], all.Value.Select(a => a.Name));
        Assert.Equal(("""{"v":2}""", 2L, Tenant), (all.Value[1].Definition, all.Value[1].Version, all.Value[1].Tenant));
        Assert.Equal(["boss", "npc"], two.Value.Select(a => a.Name));
        Assert.Equal(["orc"], rest.Value.Select(a => a.Name));
        Assert.Empty((await Storage.Agents.ListAsync(Tenant + "y", null, 10, Ct)).Value);
    }

    [Fact]
    public async Task ListAsync_NamesAroundDigitsAndDashes_OrdinalOrderAcrossPages()
    {
        // Ordinal: '-' < digits < '_' < letters, whatever the database's collation would say.
        string[] names = ["a-b", "a0", "a_b", "ab", "b", "z9"];
        foreach (string name in names.Reverse())
        {
            await Storage.Agents.PutAsync(Tenant, name, """{"v":1}""", Ct);
        }

        var read = new List<string>();
        string? after = null;
        while ((await Storage.Agents.ListAsync(Tenant, after, 4, Ct)).Value is { Count: > 0 } page)
        {
            read.AddRange(page.Select(a => a.Name));
            after = page[^1].Name;
        }

        Assert.Equal(names.Order(StringComparer.Ordinal), read);
    }

    [Fact]
    public async Task DeleteAsync_AgentWithLog_DefinitionAndLogGoneAcrossReopenOthersKept()
    {
        await Storage.Agents.PutAsync(Tenant, "npc", """{"v":1}""", Ct);
        await Storage.Agents.PutAsync(Tenant, "orc", """{"v":1}""", Ct);
        Assert.True((await Storage.Agents.AppendAsync(Decision(), Ct)).IsSuccess);
        Assert.True((await Storage.Agents.AppendAsync(Decision(agent: "orc"), Ct)).IsSuccess);

        var deleted = await Storage.Agents.DeleteAsync(Tenant, "npc", Ct);
        var again = await Storage.Agents.DeleteAsync(Tenant, "npc", Ct);
        await ReopenAsync();

        Assert.True(deleted.Value);
        Assert.False(again.Value);
        Assert.Equal(ErrorCode.NotFound, (await Storage.Agents.GetAsync(Tenant, "npc", Ct)).Error?.Code);
        Assert.Empty((await Storage.Agents.ReadAsync(Tenant, "npc", 0, 100, Ct)).Value);
        Assert.Equal(0, (await Storage.Agents.StatsAsync(Tenant, "npc", Ct)).Value.Decisions);
        Assert.Equal(["orc"], (await Storage.Agents.ListAsync(Tenant, null, 10, Ct)).Value.Select(a => a.Name));
        Assert.Single((await Storage.Agents.ReadAsync(Tenant, "orc", 0, 100, Ct)).Value);
    }

    [Fact]
    public async Task PutAsync_NameCreatedAgainAfterAStragglerDecision_StartsWithAnEmptyLog()
    {
        // A decide that held the deleted agent appends after the delete: the name's next creation must not inherit it.
        await Storage.Agents.PutAsync(Tenant, "npc", """{"v":1}""", Ct);
        await Storage.Agents.DeleteAsync(Tenant, "npc", Ct);
        Assert.True((await Storage.Agents.AppendAsync(Decision(), Ct)).IsSuccess);

        var created = await Storage.Agents.PutAsync(Tenant, "npc", """{"v":9}""", Ct);
        Assert.True((await Storage.Agents.AppendAsync(Decision(at: Decided.AddSeconds(1)), Ct)).IsSuccess);
        var redefined = await Storage.Agents.PutAsync(Tenant, "npc", """{"v":10}""", Ct);

        Assert.Equal((1L, 2L), (created.Value.Version, redefined.Value.Version));
        Assert.Single((await Storage.Agents.ReadAsync(Tenant, "npc", 0, 100, Ct)).Value);
    }

    [Fact]
    public async Task AppendAsync_ThenRead_RoundTripsInLogOrderAcrossReopen()
    {
        var a = await Storage.Agents.AppendAsync(Decision(), Ct);
        var b = await Storage.Agents.AppendAsync(Decision(at: Decided.AddSeconds(1)), Ct);
        await ReopenAsync();

        var read = await Storage.Agents.ReadAsync(Tenant, "npc", 0, 100, Ct);

        Assert.True(b.Value.Sequence > a.Value.Sequence);
        Assert.Equal([a.Value.DecisionId, b.Value.DecisionId], read.Value.Select(d => d.DecisionId));
        var first = read.Value[0];
        Assert.Equal((Decided, 0.25, "easy", """{"skill":0.4}""", RewardSource.None, (double?)null), (first.DecidedAt, first.Probability, first.ChosenAction, first.Context, first.Source, first.Reward));
        Assert.Single((await Storage.Agents.ReadAsync(Tenant, "npc", a.Value.Sequence, 100, Ct)).Value);
    }

    [Fact]
    public async Task AppendAsync_AfterTheNewestDecisionsWerePruned_SequenceAboveEveryOneGiven()
    {
        // A snapshot learnt a and b and scans on from after b; pruning then deletes both. The next decision must come
        // after b in the log, or a replica restoring the snapshot (reading after its scan_from) never learns it.
        await Storage.Agents.PutAsync(Tenant, "npc", """{"v":1}""", Ct);
        var a = (await Storage.Agents.AppendAsync(Decision(), Ct)).Value;
        var b = (await Storage.Agents.AppendAsync(Decision(), Ct)).Value;
        long snapshot = (await Storage.Agents.SaveSnapshotAsync(Tenant, "npc", Snapshot(1, scanFrom: b.Sequence + 1), 0, [a.Sequence, b.Sequence], Ct)).Value;
        Assert.Equal(2, (await Storage.Agents.PruneAsync(Tenant, "npc", Decided.AddDays(1), snapshot, 10, Ct)).Value);

        var c = (await Storage.Agents.AppendAsync(Decision(), Ct)).Value;
        await ReopenAsync();
        var d = (await Storage.Agents.AppendAsync(Decision(), Ct)).Value;

        Assert.True(c.Sequence > b.Sequence && d.Sequence > c.Sequence, $"a {a.Sequence}, b {b.Sequence}, c {c.Sequence}, d {d.Sequence}");
        Assert.Equal([c.DecisionId, d.DecisionId], (await Storage.Agents.ReadUnlearntAsync(Tenant, "npc", snapshot, b.Sequence, 10, Ct)).Value.Select(x => x.DecisionId));
    }

    [Fact]
    public async Task AppendAsync_NonAsciiLongThenShortThenEmptyTexts_EachReadBackExactly()
    {
        // Longer than the SQLite writer's first text buffer (4 KiB of UTF-8), then shorter ones bound after it: no byte
        // of the long text may leak into the next, and an empty text stays empty, not NULL.
        string longContext = "{\"épée⚔\":" + new string('9', 5_000) + ",\"名前\":0.5}";
        var decisions = new[]
        {
            Decision() with { Context = longContext, Actions = """[{"id":"épée⚔"}]""", ChosenAction = "épée⚔" },
            Decision(at: Decided.AddSeconds(1)) with { Context = """{"ß":1}""", Actions = "[]", ChosenAction = "a" },
            Decision(at: Decided.AddSeconds(2)) with { Context = "", Actions = "", ChosenAction = "" },
        };
        foreach (var decision in decisions)
        {
            Assert.True((await Storage.Agents.AppendAsync(decision, Ct)).IsSuccess);
        }
        await ReopenAsync();

        var read = await Storage.Agents.ReadAsync(Tenant, "npc", 0, 100, Ct);

        Assert.Equal(
            decisions.Select(d => (d.DecisionId, d.Context, d.Actions, d.ChosenAction)),
            read.Value.Select(d => (d.DecisionId, d.Context, d.Actions, d.ChosenAction)));
    }

    [Fact]
    public async Task AppendAsync_SameIdTwice_SecondRefused()
    {
        var decision = Decision();
        Assert.True((await Storage.Agents.AppendAsync(decision, Ct)).IsSuccess);

        var again = await Storage.Agents.AppendAsync(decision, Ct);

        Assert.False(again.IsSuccess);
        Assert.Single((await Storage.Agents.ReadAsync(Tenant, "npc", 0, 100, Ct)).Value);
    }

    [Fact]
    public async Task AppendAsync_ManyAtOnceWithDuplicates_EachDuplicateFailsAloneOthersStoredInCallOrderAcrossReopen()
    {
        var earlier = (await Storage.Agents.AppendAsync(Decision(), Ct)).Value;
        // 300 appends started without waiting share batches (commits); every 7th reuses a logged id, and the last
        // repeats an id of this very burst, so failing rows sit among good rows of the same batch.
        var decisions = Enumerable.Range(0, 300).Select(i => Decision(i % 7 == 3 ? earlier.DecisionId : null, Decided.AddMilliseconds(i))).ToList();
        decisions.Add(decisions[0]);
        var appends = decisions.Select(d => Storage.Agents.AppendAsync(d, Ct).AsTask()).ToList();
        var results = await Task.WhenAll(appends);

        bool[] duplicate = [.. decisions.Select((d, i) => d.DecisionId == earlier.DecisionId || i == decisions.Count - 1)];
        Assert.Equal(duplicate, results.Select(r => !r.IsSuccess));
        long[] sequences = [.. results.Where(r => r.IsSuccess).Select(r => r.Value.Sequence)];
        Assert.Equal(sequences.Order(), sequences);
        Assert.Equal(sequences.Length, sequences.Distinct().Count());
        Assert.All(sequences, s => Assert.True(s > earlier.Sequence));

        await ReopenAsync();
        var read = (await Storage.Agents.ReadAsync(Tenant, "npc", 0, 1000, Ct)).Value;

        string[] expected = [earlier.DecisionId, .. decisions.Where((_, i) => !duplicate[i]).Select(d => d.DecisionId)];
        Assert.Equal(expected, read.Select(d => d.DecisionId));
        Assert.Equal([earlier.Sequence, .. sequences], read.Select(d => d.Sequence));
        Assert.Equal(decisions[1].DecidedAt, read[2].DecidedAt);
    }

    [Fact]
    public async Task RecordOutcomesAsync_AppliedDuplicateUnknownLate_EachAnswered()
    {
        var fresh = (await Storage.Agents.AppendAsync(Decision(at: DateTimeOffset.UtcNow), Ct)).Value;
        var old = (await Storage.Agents.AppendAsync(Decision(at: DateTimeOffset.UtcNow.AddHours(-2)), Ct)).Value;
        var otherAgent = (await Storage.Agents.AppendAsync(Decision(at: DateTimeOffset.UtcNow, agent: "boss"), Ct)).Value;

        var results = (await Storage.Agents.RecordOutcomesAsync(Tenant, "npc",
            [new(fresh.DecisionId, 1), new(fresh.DecisionId, 0), new("nope", 1), new(old.DecisionId, 1), new(otherAgent.DecisionId, 1)],
            DateTimeOffset.UtcNow.AddHours(-1), defaultReward: -0.5, Ct)).Value;

        Assert.Equal([OutcomeState.Applied, OutcomeState.Duplicate, OutcomeState.Unknown, OutcomeState.Late, OutcomeState.Unknown], results.Select(r => r.State));
        Assert.Equal([1, null, null, -0.5, null], results.Select(r => r.Learn));
        var log = (await Storage.Agents.ReadAsync(Tenant, "npc", 0, 100, Ct)).Value.ToDictionary(d => d.DecisionId);
        Assert.Equal((1.0, RewardSource.Outcome), (log[fresh.DecisionId].Reward!.Value, log[fresh.DecisionId].Source));
        Assert.Equal((-0.5, RewardSource.Default, 1.0), (log[old.DecisionId].Reward!.Value, log[old.DecisionId].Source, log[old.DecisionId].LateReward!.Value));
        Assert.Null((await Storage.Agents.ReadAsync(Tenant, "boss", 0, 100, Ct)).Value[0].Reward);
    }

    [Fact]
    public async Task RecordOutcomesAsync_NaNReward_RefusedAndNothingWritten()
    {
        var decision = (await Storage.Agents.AppendAsync(Decision(at: DateTimeOffset.UtcNow), Ct)).Value;

        var result = await Storage.Agents.RecordOutcomesAsync(Tenant, "npc", [new(decision.DecisionId, double.NaN)], DateTimeOffset.UtcNow.AddHours(-1), 0, Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error!.Code);
        Assert.Null((await Storage.Agents.ReadAsync(Tenant, "npc", 0, 10, Ct)).Value[0].Reward);
    }

    [Fact]
    public async Task ExpireAsync_GivesTheDefaultOnceToOldUnrewardedDecisionsOnly()
    {
        var old = (await Storage.Agents.AppendAsync(Decision(at: DateTimeOffset.UtcNow.AddMinutes(-10)), Ct)).Value;
        var rewarded = (await Storage.Agents.AppendAsync(Decision(at: DateTimeOffset.UtcNow.AddMinutes(-10)), Ct)).Value;
        var fresh = (await Storage.Agents.AppendAsync(Decision(at: DateTimeOffset.UtcNow), Ct)).Value;
        await Storage.Agents.RecordOutcomesAsync(Tenant, "npc", [new(rewarded.DecisionId, 1)], DateTimeOffset.UtcNow.AddHours(-1), 0, Ct);

        var expired = await Storage.Agents.ExpireAsync(Tenant, "npc", DateTimeOffset.UtcNow.AddMinutes(-1), 0.1, 100, Ct);
        var again = await Storage.Agents.ExpireAsync(Tenant, "npc", DateTimeOffset.UtcNow.AddMinutes(-1), 0.1, 100, Ct);
        var stats = (await Storage.Agents.StatsAsync(Tenant, "npc", Ct)).Value;

        Assert.Equal([old.DecisionId], expired.Value.Select(d => d.DecisionId));
        Assert.Equal((0.1, RewardSource.Default), (expired.Value[0].Reward!.Value, expired.Value[0].Source));
        Assert.Empty(again.Value);
        Assert.Equal((3L, 1L, 1L), (stats.Decisions, stats.Outcomes, stats.Defaulted));
        Assert.Equal(1.1, stats.RewardSum, 9);
        Assert.Equal(3, stats.Hours.Sum(h => h.Decisions));
        Assert.NotNull(fresh);
    }

    [Fact]
    public async Task ExpireAsync_DeferredDecision_NeverDefaultedUntilActivatedThenFromItsActivation()
    {
        var now = DateTimeOffset.UtcNow;
        var deferred = (await Storage.Agents.AppendAsync(Decision(at: now.AddMinutes(-10)) with { Inactive = true }, Ct)).Value;
        var ordinary = (await Storage.Agents.AppendAsync(Decision(at: now.AddMinutes(-10)), Ct)).Value;
        await ReopenAsync();

        var before = (await Storage.Agents.ExpireAsync(Tenant, "npc", now.AddMinutes(-1), 0.1, 100, Ct)).Value;
        var activated = (await Storage.Agents.ActivateAsync(Tenant, "npc", [deferred.DecisionId], now.AddMinutes(-5), Ct)).Value;
        var stillOpen = (await Storage.Agents.ExpireAsync(Tenant, "npc", now.AddMinutes(-6), 0.1, 100, Ct)).Value;
        var closed = (await Storage.Agents.ExpireAsync(Tenant, "npc", now.AddMinutes(-4), 0.1, 100, Ct)).Value;

        Assert.True(deferred.Inactive);
        Assert.Equal([ordinary.DecisionId], before.Select(d => d.DecisionId));
        Assert.Equal((ActivationState.Activated, (double?)null), (activated[0].State, activated[0].Learn));
        Assert.Empty(stillOpen);
        Assert.Equal([deferred.DecisionId], closed.Select(d => d.DecisionId));
        var log = (await Storage.Agents.ReadAsync(Tenant, "npc", 0, 100, Ct)).Value.ToDictionary(d => d.DecisionId);
        Assert.Equal((false, now.AddMinutes(-5).ToUnixTimeMilliseconds()), (log[deferred.DecisionId].Inactive, log[deferred.DecisionId].ActivatedAt!.Value.ToUnixTimeMilliseconds()));
        Assert.Equal(log[ordinary.DecisionId].DecidedAt, log[ordinary.DecisionId].ActivatedAt);
    }

    [Fact]
    public async Task ActivateAsync_TwiceUnknownAndOtherAgentsOrTenants_EachAnsweredOnlyTheFirstActivates()
    {
        var deferred = (await Storage.Agents.AppendAsync(Decision(at: DateTimeOffset.UtcNow) with { Inactive = true }, Ct)).Value;
        var ordinary = (await Storage.Agents.AppendAsync(Decision(at: DateTimeOffset.UtcNow), Ct)).Value;
        var otherAgent = (await Storage.Agents.AppendAsync(Decision(at: DateTimeOffset.UtcNow, agent: "boss") with { Inactive = true }, Ct)).Value;
        var at = DateTimeOffset.UtcNow;

        var results = (await Storage.Agents.ActivateAsync(Tenant, "npc",
            [deferred.DecisionId, deferred.DecisionId, ordinary.DecisionId, "nope", otherAgent.DecisionId], at, Ct)).Value;
        var again = (await Storage.Agents.ActivateAsync(Tenant, "npc", [deferred.DecisionId], at.AddMinutes(1), Ct)).Value;
        var otherTenant = (await Storage.Agents.ActivateAsync(Tenant + "x", "npc", [deferred.DecisionId], at, Ct)).Value;

        Assert.Equal(
            [ActivationState.Activated, ActivationState.AlreadyActive, ActivationState.AlreadyActive, ActivationState.Unknown, ActivationState.Unknown],
            results.Select(r => r.State));
        Assert.Equal(ActivationState.AlreadyActive, again[0].State);
        Assert.Equal(ActivationState.Unknown, otherTenant[0].State);
        Assert.True((await Storage.Agents.ReadAsync(Tenant, "boss", 0, 10, Ct)).Value[0].Inactive);
        // The second activation kept the first one's time: the window opened once.
        var read = (await Storage.Agents.ReadAsync(Tenant, "npc", 0, 10, Ct)).Value[0];
        Assert.Equal(at.ToUnixTimeMilliseconds(), read.ActivatedAt!.Value.ToUnixTimeMilliseconds());
    }

    [Fact]
    public async Task RecordOutcomesAsync_InactiveDecision_KeptPendingThenLearntOnActivation()
    {
        var deferred = (await Storage.Agents.AppendAsync(Decision(at: DateTimeOffset.UtcNow.AddHours(-3)) with { Inactive = true }, Ct)).Value;

        // Hours after the decision, past any window counted from it: a deferred decision's window has not opened yet.
        var first = (await Storage.Agents.RecordOutcomesAsync(Tenant, "npc", [new(deferred.DecisionId, 0.75), new(deferred.DecisionId, 0)],
            DateTimeOffset.UtcNow.AddHours(-1), defaultReward: -1, Ct)).Value;
        var stats = (await Storage.Agents.StatsAsync(Tenant, "npc", Ct)).Value;
        var expired = (await Storage.Agents.ExpireAsync(Tenant, "npc", DateTimeOffset.UtcNow, 0, 100, Ct)).Value;
        await ReopenAsync();
        var activated = (await Storage.Agents.ActivateAsync(Tenant, "npc", [deferred.DecisionId], DateTimeOffset.UtcNow, Ct)).Value;
        var statsAfter = (await Storage.Agents.StatsAsync(Tenant, "npc", Ct)).Value;

        Assert.Equal([OutcomeState.Pending, OutcomeState.Duplicate], first.Select(r => r.State));
        Assert.Equal([null, null], first.Select(r => r.Learn));
        Assert.Empty(expired);
        Assert.Equal((1L, 1L, 0L, 0L, 0.0), (stats.Decisions, stats.Inactive, stats.Outcomes, stats.Defaulted, stats.RewardSum));
        Assert.Equal(0, stats.Hours.Sum(h => h.Rewarded));
        Assert.Equal((ActivationState.Activated, (double?)0.75, RewardSource.Outcome), (activated[0].State, activated[0].Learn, activated[0].Decision!.Source));
        Assert.Equal((1L, 0L, 1L, 0.75), (statsAfter.Decisions, statsAfter.Inactive, statsAfter.Outcomes, statsAfter.RewardSum));
        Assert.Equal(1, statsAfter.Hours.Sum(h => h.Rewarded));
    }

    [Fact]
    public async Task RecordOutcomesAsync_ActivatedDecision_WindowCountsFromActivation()
    {
        // Decided two hours ago, activated just now: an outcome now is within an hour's window.
        var deferred = (await Storage.Agents.AppendAsync(Decision(at: DateTimeOffset.UtcNow.AddHours(-2)) with { Inactive = true }, Ct)).Value;
        await Storage.Agents.ActivateAsync(Tenant, "npc", [deferred.DecisionId], DateTimeOffset.UtcNow, Ct);

        var results = (await Storage.Agents.RecordOutcomesAsync(Tenant, "npc", [new(deferred.DecisionId, 1)], DateTimeOffset.UtcNow.AddHours(-1), 0, Ct)).Value;

        Assert.Equal((OutcomeState.Applied, (double?)1), (results[0].State, results[0].Learn));
    }

    [Fact]
    public async Task ActivateAsync_NoIds_Refused()
    {
        var result = await Storage.Agents.ActivateAsync(Tenant, "npc", [], DateTimeOffset.UtcNow, Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error!.Code);
    }

    private static AgentSnapshot Snapshot(long version, long scanFrom = 1) => new(version, 1, scanFrom, [1, 2, 3]);

    [Fact]
    public async Task SaveSnapshotAsync_LearntDecisions_StampedAndNoLongerUnlearnt()
    {
        await Storage.Agents.PutAsync(Tenant, "npc", """{"v":1}""", Ct);
        var a = (await Storage.Agents.AppendAsync(Decision(), Ct)).Value;
        var b = (await Storage.Agents.AppendAsync(Decision(), Ct)).Value;
        var c = (await Storage.Agents.AppendAsync(Decision(), Ct)).Value;

        var first = await Storage.Agents.SaveSnapshotAsync(Tenant, "npc", Snapshot(1, scanFrom: b.Sequence), 0, [a.Sequence, c.Sequence], Ct);
        var got = (await Storage.Agents.GetSnapshotAsync(Tenant, "npc", 1, Ct)).Value;
        var unlearnt = (await Storage.Agents.ReadUnlearntAsync(Tenant, "npc", first.Value, 0, 10, Ct)).Value;
        var all = (await Storage.Agents.ReadUnlearntAsync(Tenant, "npc", 0, 0, 10, Ct)).Value;
        var second = await Storage.Agents.SaveSnapshotAsync(Tenant, "npc", Snapshot(1), first.Value, [b.Sequence], Ct);
        var unlearntByFirst = (await Storage.Agents.ReadUnlearntAsync(Tenant, "npc", first.Value, 0, 10, Ct)).Value;
        var unlearntBySecond = (await Storage.Agents.ReadUnlearntAsync(Tenant, "npc", second.Value, 0, 10, Ct)).Value;
        var newest = (await Storage.Agents.GetSnapshotAsync(Tenant, "npc", 1, Ct)).Value;

        Assert.True(first.IsSuccess, first.Error?.Message);
        Assert.Equal((first.Value, 1, b.Sequence), (got.Id, got.Format, got.ScanFrom));
        Assert.Equal([1, 2, 3], got.State);
        Assert.Equal([b.Sequence], unlearnt.Select(d => d.Sequence));
        Assert.Equal([first.Value, null, first.Value], all.Select(d => d.LearnedIn));
        Assert.True(second.Value > first.Value, $"snapshot ids must grow: {first.Value} then {second.Value}");
        // Stamped by a later snapshot: still not learnt by the first one.
        Assert.Equal([b.Sequence], unlearntByFirst.Select(d => d.Sequence));
        Assert.Empty(unlearntBySecond);
        Assert.Equal(second.Value, newest.Id);
    }

    [Fact]
    public async Task SaveSnapshotAsync_StalePreviousOtherVersionOrStampedTwice_ConflictAndNothingChanges()
    {
        await Storage.Agents.PutAsync(Tenant, "npc", """{"v":1}""", Ct);
        var a = (await Storage.Agents.AppendAsync(Decision(), Ct)).Value;
        var b = (await Storage.Agents.AppendAsync(Decision(), Ct)).Value;
        long first = (await Storage.Agents.SaveSnapshotAsync(Tenant, "npc", Snapshot(1), 0, [a.Sequence], Ct)).Value;

        var stalePrevious = await Storage.Agents.SaveSnapshotAsync(Tenant, "npc", Snapshot(1), 0, [b.Sequence], Ct);
        var stampedTwice = await Storage.Agents.SaveSnapshotAsync(Tenant, "npc", Snapshot(1), first, [b.Sequence, a.Sequence], Ct);
        var otherVersion = await Storage.Agents.SaveSnapshotAsync(Tenant, "npc", Snapshot(2), 0, [b.Sequence], Ct);
        var unknownAgent = await Storage.Agents.SaveSnapshotAsync(Tenant, "elf", Snapshot(1), 0, [], Ct);

        Assert.Equal(
            [ErrorCode.Conflict, ErrorCode.Conflict, ErrorCode.Conflict, ErrorCode.Conflict],
            new[] { stalePrevious, stampedTwice, otherVersion, unknownAgent }.Select(r => r.Error?.Code));
        Assert.Equal(first, (await Storage.Agents.GetSnapshotAsync(Tenant, "npc", 1, Ct)).Value.Id);
        Assert.Equal([b.Sequence], (await Storage.Agents.ReadUnlearntAsync(Tenant, "npc", first, 0, 10, Ct)).Value.Select(d => d.Sequence));
    }

    [Fact]
    public async Task PutAsync_RedefinitionOrDeletion_DropsTheSnapshots()
    {
        await Storage.Agents.PutAsync(Tenant, "npc", """{"v":1}""", Ct);
        await Storage.Agents.PutAsync(Tenant, "orc", """{"v":1}""", Ct);
        await Storage.Agents.SaveSnapshotAsync(Tenant, "npc", Snapshot(1), 0, [], Ct);
        await Storage.Agents.SaveSnapshotAsync(Tenant, "orc", Snapshot(1), 0, [], Ct);

        await Storage.Agents.PutAsync(Tenant, "npc", """{"v":2}""", Ct);
        await Storage.Agents.DeleteAsync(Tenant, "orc", Ct);
        await Storage.Agents.PutAsync(Tenant, "orc", """{"v":1}""", Ct);

        Assert.Equal(ErrorCode.NotFound, (await Storage.Agents.GetSnapshotAsync(Tenant, "npc", 1, Ct)).Error?.Code);
        Assert.Equal(ErrorCode.NotFound, (await Storage.Agents.GetSnapshotAsync(Tenant, "npc", 2, Ct)).Error?.Code);
        Assert.Equal(ErrorCode.NotFound, (await Storage.Agents.GetSnapshotAsync(Tenant, "orc", 1, Ct)).Error?.Code);
    }

    [Fact]
    public async Task PruneAsync_OldDecisions_DeletesTheCoveredAndTheNeverActivatedOnly()
    {
        await Storage.Agents.PutAsync(Tenant, "npc", """{"v":1}""", Ct);
        var coveredOld = (await Storage.Agents.AppendAsync(Decision(at: Decided), Ct)).Value;
        var uncoveredOld = (await Storage.Agents.AppendAsync(Decision(at: Decided), Ct)).Value;
        var inactiveOld = (await Storage.Agents.AppendAsync(Decision(at: Decided) with { Inactive = true }, Ct)).Value;
        var stampedLater = (await Storage.Agents.AppendAsync(Decision(at: Decided), Ct)).Value;
        var coveredNew = (await Storage.Agents.AppendAsync(Decision(at: Decided.AddDays(2)), Ct)).Value;
        var inactiveNew = (await Storage.Agents.AppendAsync(Decision(at: Decided.AddDays(2)) with { Inactive = true }, Ct)).Value;
        var other = (await Storage.Agents.AppendAsync(Decision(at: Decided, agent: "orc") with { Inactive = true }, Ct)).Value;
        long first = (await Storage.Agents.SaveSnapshotAsync(Tenant, "npc", Snapshot(1), 0, [coveredOld.Sequence, coveredNew.Sequence], Ct)).Value;
        await Storage.Agents.SaveSnapshotAsync(Tenant, "npc", Snapshot(1), first, [stampedLater.Sequence], Ct);

        var pruned = await Storage.Agents.PruneAsync(Tenant, "npc", Decided.AddDays(1), first, 1, Ct);
        var prunedRest = await Storage.Agents.PruneAsync(Tenant, "npc", Decided.AddDays(1), first, 10, Ct);
        var left = (await Storage.Agents.ReadAsync(Tenant, "npc", 0, 10, Ct)).Value;

        Assert.Equal((1, 1), (pruned.Value, prunedRest.Value));
        Assert.Equal([uncoveredOld.DecisionId, stampedLater.DecisionId, coveredNew.DecisionId, inactiveNew.DecisionId], left.Select(d => d.DecisionId));
        Assert.DoesNotContain(left, d => d.DecisionId == coveredOld.DecisionId || d.DecisionId == inactiveOld.DecisionId);
        Assert.Single((await Storage.Agents.ReadAsync(Tenant, "orc", 0, 10, Ct)).Value, d => d.DecisionId == other.DecisionId);
    }
}
