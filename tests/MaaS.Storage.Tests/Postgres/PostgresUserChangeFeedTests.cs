using System.Collections.Concurrent;

namespace MaaS.Storage.Tests.Postgres;

/// <summary>
/// The event store's change feed over a real PostgreSQL server: what another replica commits is reported here, by
/// the pseudonym this replica's <see cref="IUserChangeFeed.KeyOf"/> gives the same user.
/// </summary>
public sealed class PostgresUserChangeFeedTests(PostgresServer server) : StorageTestBase(server), IClassFixture<PostgresServer>
{
    private readonly ConcurrentQueue<(string? Tenant, string? Key)> _reports = new();

    [Fact]
    public async Task AppendEraseAndPurge_ThroughAnotherReplica_ReportedHereByUserKeyAndTenant()
    {
        var feed = await SubscribedFeedAsync();
        await using var other = await OpenAsync();

        await other.Events.AppendAsync(Tenant, [TestData.Event("e1", user: "alice"), TestData.Event("e2", user: "bob")], Ct);
        await UntilReportedAsync((Tenant, feed.KeyOf(Tenant, "alice")), (Tenant, feed.KeyOf(Tenant, "bob")));

        await other.Events.EraseUserAsync(Tenant, "bob", Ct);
        await UntilReportedAsync((Tenant, feed.KeyOf(Tenant, "bob")));

        await other.Events.PurgeBeforeAsync(Tenant, TestData.T0.AddDays(1), 100, Ct);
        await UntilReportedAsync((Tenant, null));
        Assert.DoesNotContain(_reports, r => r.Tenant is not null && r.Tenant != Tenant);
    }

    [Fact]
    public async Task Append_BatchOfManyUsers_EveryUserReportedThoughOnePayloadCannotHoldThem()
    {
        var feed = await SubscribedFeedAsync();
        await using var other = await OpenAsync();
        var users = Enumerable.Range(0, StorageLimits.MaxBatchSize).Select(i => $"user-{i}").ToList();

        await other.Events.AppendAsync(Tenant, [.. users.Select((u, i) => TestData.Event($"m{i}", user: u))], Ct);

        await UntilReportedAsync([.. users.Select(u => ((string?)Tenant, (string?)feed.KeyOf(Tenant, u)))]);
    }

    /// <summary>
    /// Read-your-writes: the session token of another replica's append counts as applied here only once every user
    /// of the batch has been reported (a batch of 10,000 users spans many NOTIFY payloads, the token rides the last);
    /// the writing replica knows its own at once; a token nobody issued never is.
    /// </summary>
    [Fact]
    public async Task SessionToken_OfAnotherReplicasAppend_AppliedHereOnlyAfterEveryUserOfItsBatch()
    {
        var feed = await SubscribedFeedAsync();
        await using var other = await OpenAsync();
        var users = Enumerable.Range(0, StorageLimits.MaxBatchSize).Select(i => $"token-user-{i}").ToList();

        var appended = await other.Events.AppendAsync(Tenant, [.. users.Select((u, i) => TestData.Event($"t{i}", user: u))], Ct);

        string token = appended.Value.SessionToken!;
        Assert.True(other.Events.UserChanges.HasApplied(token), "the writer's own token");
        var clock = Stopwatch.StartNew();
        while (!feed.HasApplied(token))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "the token never arrived");
            await Task.Delay(1, Ct);
        }

        var reported = _reports.ToHashSet();
        Assert.All(users, u => Assert.Contains((Tenant, feed.KeyOf(Tenant, u)), reported));
        Assert.False(feed.HasApplied("0123456789abcdef"));
    }

    [Fact]
    public async Task KeyOf_SameUserOnTwoReplicas_SamePseudonymNotTheRawId()
    {
        await using var other = await OpenAsync();

        string here = Storage.Events.UserChanges.KeyOf(Tenant, "alice");

        Assert.Equal(here, other.Events.UserChanges.KeyOf(Tenant, "alice"));
        Assert.NotEqual("alice", here);
        Assert.NotEqual(here, Storage.Events.UserChanges.KeyOf(Tenant, "bob"));
    }

    /// <summary>This replica's feed, subscribed and listening (the reconnect report consumed).</summary>
    private async Task<IUserChangeFeed> SubscribedFeedAsync()
    {
        var feed = Storage.Events.UserChanges;
        feed.Subscribe((tenant, key) => _reports.Enqueue((tenant, key)));
        await UntilReportedAsync((null, null));
        Assert.True(feed.IsLive, "listening, yet not live");
        return feed;
    }

    private async Task UntilReportedAsync(params (string? Tenant, string? Key)[] expected)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var missing = expected.Except(_reports).ToList();
            if (missing.Count == 0)
            {
                return;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"after {clock.Elapsed}: {missing.Count} of {expected.Length} not reported, first {missing[0]}");
            await Task.Delay(20, Ct);
        }
    }
}
