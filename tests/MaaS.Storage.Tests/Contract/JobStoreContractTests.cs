using System.Collections.Concurrent;

namespace MaaS.Storage.Tests.Contract;

/// <summary>
/// The behaviour of every <see cref="IJobStore"/>. Claims see every tenant's jobs, so each test runs on a database
/// of its own (a SQLite file, or a PostgreSQL schema of its own).
/// </summary>
public abstract class JobStoreContractTests(IStorageSource source) : StorageTestBase(source)
{
    private static readonly JobLimits Unlimited = new(1000, 1000);

    private static NewJob Job(string tenant) => new(Guid.NewGuid().ToString("N"), tenant, "test", """{"n":1}""", new string('a', 64));

    // Jobs created within one clock tick (SQLite stores milliseconds) are claimed in id order: where a test depends on
    // the claim order, the ids rise with the creation order.
    private static NewJob Nth(string tenant, char rank)
    {
        var job = Job(tenant);
        return job with { Id = rank + job.Id[1..] };
    }

    [Fact]
    public async Task Create_ThenGet_RoundTripsAndHidesFromOtherTenants()
    {
        var job = Job(Tenant);
        var created = await Storage.Jobs.CreateAsync(job, Encoding.UTF8.GetBytes("rows"), Ct);
        var found = await Storage.Jobs.GetAsync(Tenant, job.Id, Ct);
        var other = await Storage.Jobs.GetAsync("other-tenant", job.Id, Ct);
        var input = await Storage.Jobs.GetInputAsync(job.Id, Ct);

        Assert.True(created.IsSuccess, created.ToString());
        Assert.Equal((JobState.Queued, "queued", 0, 4L, 0), (found.Value.State, found.Value.Phase, found.Value.Progress, found.Value.InputBytes, found.Value.Attempts));
        Assert.Equal((job.Kind, job.Request, job.InputSha256), (found.Value.Kind, found.Value.Request, found.Value.InputSha256));
        Assert.Equal(ErrorCode.NotFound, other.Error?.Code);
        Assert.Equal("rows"u8.ToArray(), input.Value);
    }

    [Fact]
    public async Task ListAsync_OneKindInPagesOfOneMillisecond_NewestFirstThenIdDescendingWithoutGaps()
    {
        // Five jobs of the kind asked for, two of them in one millisecond, between jobs of another kind and tenant.
        var wanted = new List<NewJob>();
        for (int i = 0; i < 5; i++)
        {
            Assert.True((await Storage.Jobs.CreateAsync(Job(NewTenant()), new byte[] { 1 }, Ct)).IsSuccess);
            var job = Job(Tenant) with { Kind = "wanted" };
            Assert.True((await Storage.Jobs.CreateAsync(job, new byte[] { 1 }, Ct)).IsSuccess);
            Assert.True((await Storage.Jobs.CreateAsync(Job(Tenant), new byte[] { 1 }, Ct)).IsSuccess);
            wanted.Add(job);
        }
        await SetAllCreatedAtAsync(new DateTimeOffset(2026, 12, 6, 6, 0, 0, 7, TimeSpan.Zero));
        var stored = new List<JobRecord>();
        foreach (var job in wanted)
        {
            stored.Add((await Storage.Jobs.GetAsync(Tenant, job.Id, Ct)).Value);
        }
        var expected = stored.OrderByDescending(j => j.CreatedAt).ThenByDescending(j => j.Id, StringComparer.Ordinal).Select(j => j.Id).ToList();

        var read = new List<string>();
        JobCursor? after = null;
        while ((await Storage.Jobs.ListAsync(Tenant, "wanted", after, 2, Ct)).Value is { Count: > 0 } page)
        {
            Assert.All(page, j => Assert.Equal(("wanted", Tenant), (j.Kind, j.Tenant)));
            read.AddRange(page.Select(j => j.Id));
            after = JobCursor.Of(page[^1]);
        }
        var everyKind = await Storage.Jobs.ListAsync(Tenant, null, null, 100, Ct);

        Assert.Equal(expected, read);
        Assert.Equal(10, everyKind.Value.Count);
        Assert.Equal(ErrorCode.InvalidRequest, (await Storage.Jobs.ListAsync(Tenant, null, null, 0, Ct)).Error?.Code);
    }

    /// <summary>Gives every job of the store the same creation time, bypassing the store (as one clock tick would).</summary>
    protected abstract Task SetAllCreatedAtAsync(DateTimeOffset at);

    [Fact]
    public async Task ClaimNext_FiftyJobsOfOneMillisecond_ClaimedInCreationOrder()
    {
        // Ids fall while creation goes on, so an order by id (or by anything but creation) claims them backwards.
        var created = new List<string>();
        for (int i = 0; i < 50; i++)
        {
            var job = Job(Tenant) with { Id = (999 - i).ToString("D3", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[3..] };
            Assert.True((await Storage.Jobs.CreateAsync(job, new byte[] { 1 }, Ct)).IsSuccess);
            created.Add(job.Id);
        }
        await SetAllCreatedAtAsync(new DateTimeOffset(2026, 12, 5, 6, 0, 0, 123, TimeSpan.Zero));

        var claimed = new List<string>();
        while ((await Storage.Jobs.ClaimNextAsync("worker", TimeSpan.FromMinutes(5), Unlimited, Ct)).Value is [var next])
        {
            claimed.Add(next.Id);
        }

        Assert.Equal(created, claimed);
    }

    [Fact]
    public async Task ClaimNext_TwoStoresRacing_EveryJobClaimedExactlyOnce()
    {
        var ids = new List<string>();
        for (int i = 0; i < 20; i++)
        {
            var job = Job(Tenant);
            Assert.True((await Storage.Jobs.CreateAsync(job, new byte[] { 1 }, Ct)).IsSuccess);
            ids.Add(job.Id);
        }

        await using var second = await OpenAsync();
        var claims = new ConcurrentBag<string>();
        async Task DrainAsync(IStorage storage, string owner)
        {
            while (true)
            {
                var claimed = await storage.Jobs.ClaimNextAsync(owner, TimeSpan.FromMinutes(5), Unlimited, Ct);
                Assert.True(claimed.IsSuccess, claimed.ToString());
                if (claimed.Value.Count == 0)
                {
                    return;
                }

                claims.Add(claimed.Value[0].Id);
            }
        }

        await Task.WhenAll(DrainAsync(Storage, "a"), DrainAsync(second, "b"), DrainAsync(Storage, "c"), DrainAsync(second, "d"));

        Assert.Equal(ids.Order(StringComparer.Ordinal), claims.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ClaimNext_Limits_PerTenantAndGlobalHold()
    {
        var a1 = Nth("tenant-a", '0');
        var a2 = Nth("tenant-a", '1');
        var b1 = Nth("tenant-b", '2');
        foreach (var job in new[] { a1, a2, b1 })
        {
            Assert.True((await Storage.Jobs.CreateAsync(job, new byte[] { 1 }, Ct)).IsSuccess);
        }

        var limits = new JobLimits(Global: 2, PerTenant: 1);
        var first = await Storage.Jobs.ClaimNextAsync("r", TimeSpan.FromMinutes(5), limits, Ct);
        var second = await Storage.Jobs.ClaimNextAsync("r", TimeSpan.FromMinutes(5), limits, Ct);
        var third = await Storage.Jobs.ClaimNextAsync("r", TimeSpan.FromMinutes(5), limits, Ct);
        Assert.True((await Storage.Jobs.FinishAsync(a1.Id, "r", JobState.Succeeded, "{}", null, Ct)).IsSuccess);
        var fourth = await Storage.Jobs.ClaimNextAsync("r", TimeSpan.FromMinutes(5), limits, Ct);

        Assert.Equal(a1.Id, first.Value.Single().Id);
        Assert.Equal(b1.Id, second.Value.Single().Id); // a2 waits: tenant-a is at its limit
        Assert.Empty(third.Value);
        Assert.Equal(a2.Id, fourth.Value.Single().Id);
    }

    [Fact]
    public async Task LeaseExpired_AnotherOwnerTakesOver_TheOldOwnerCanNeitherRenewNorFinish()
    {
        var job = Job(Tenant);
        Assert.True((await Storage.Jobs.CreateAsync(job, new byte[] { 1 }, Ct)).IsSuccess);
        var lease = TimeSpan.FromMilliseconds(300);

        var first = await Storage.Jobs.ClaimNextAsync("old", lease, Unlimited, Ct);
        var early = await Storage.Jobs.ClaimNextAsync("new", lease, Unlimited, Ct);
        await Task.Delay(TimeSpan.FromMilliseconds(700), Ct);
        var takeover = await Storage.Jobs.ClaimNextAsync("new", TimeSpan.FromMinutes(5), Unlimited, Ct);
        var renewed = await Storage.Jobs.HeartbeatAsync(job.Id, "old", new JobProgress("late", 0.5, null), TimeSpan.FromMinutes(5), Ct);
        var lateFinish = await Storage.Jobs.FinishAsync(job.Id, "old", JobState.Failed, null, "late", Ct);
        var progress = await Storage.Jobs.HeartbeatAsync(job.Id, "new", new JobProgress("training", 0.25, """{"m":1}"""), TimeSpan.FromMinutes(5), Ct);
        var finished = await Storage.Jobs.FinishAsync(job.Id, "new", JobState.Succeeded, """{"ok":true}""", null, Ct);

        Assert.Equal(1, first.Value.Single().Attempts);
        Assert.Empty(early.Value);
        Assert.Equal((job.Id, 2, "new"), (takeover.Value.Single().Id, takeover.Value.Single().Attempts, takeover.Value.Single().ClaimedBy));
        Assert.Equal(("new", JobState.Running, "starting"), (renewed.Value.ClaimedBy, renewed.Value.State, renewed.Value.Phase));
        Assert.Equal(JobState.Running, lateFinish.Value.State);
        Assert.Equal(("training", 0.25, """{"m":1}"""), (progress.Value.Phase, progress.Value.Progress, progress.Value.Metrics));
        Assert.Equal((JobState.Succeeded, 1.0, """{"ok":true}"""), (finished.Value.State, finished.Value.Progress, finished.Value.Result));
        Assert.NotNull(finished.Value.FinishedAt);
    }

    [Fact]
    public async Task Release_ByItsOwner_ClaimableAtOnceKeepingItsProgressAndAttempts()
    {
        var job = Job(Tenant);
        var done = Job(Tenant);
        Assert.True((await Storage.Jobs.CreateAsync(job, new byte[] { 1 }, Ct)).IsSuccess);
        var lease = TimeSpan.FromMinutes(5);
        Assert.Equal(job.Id, (await Storage.Jobs.ClaimNextAsync("old", lease, Unlimited, Ct)).Value.Single().Id);
        Assert.True((await Storage.Jobs.HeartbeatAsync(job.Id, "old", new JobProgress("cross-validation", 0.4, """{"m":2}"""), lease, Ct)).IsSuccess);

        var byAnother = await Storage.Jobs.ReleaseAsync(job.Id, "someone-else", Ct);
        var stillHeld = await Storage.Jobs.ClaimNextAsync("new", lease, Unlimited, Ct);
        var released = await Storage.Jobs.ReleaseAsync(job.Id, "old", Ct);
        var takeover = await Storage.Jobs.ClaimNextAsync("new", lease, Unlimited, Ct);
        var lateHeartbeat = await Storage.Jobs.HeartbeatAsync(job.Id, "old", new JobProgress("late", 0.9, null), lease, Ct);
        Assert.True((await Storage.Jobs.CreateAsync(done, new byte[] { 1 }, Ct)).IsSuccess);
        Assert.Equal(done.Id, (await Storage.Jobs.ClaimNextAsync("r", lease, Unlimited, Ct)).Value.Single().Id);
        Assert.True((await Storage.Jobs.FinishAsync(done.Id, "r", JobState.Succeeded, "{}", null, Ct)).IsSuccess);
        var finished = await Storage.Jobs.ReleaseAsync(done.Id, "r", Ct);

        Assert.True(byAnother.Value.LeaseExpiresAt > DateTimeOffset.UtcNow.AddMinutes(4), $"released by another: {byAnother.Value}");
        Assert.Empty(stillHeld.Value);
        Assert.Equal((JobState.Running, "old", "cross-validation", 0.4, 1), (released.Value.State, released.Value.ClaimedBy, released.Value.Phase, released.Value.Progress, released.Value.Attempts));
        Assert.True(released.Value.LeaseExpiresAt <= DateTimeOffset.UtcNow, $"released: {released.Value}");
        Assert.Equal((job.Id, "new", 2), (takeover.Value.Single().Id, takeover.Value.Single().ClaimedBy, takeover.Value.Single().Attempts));
        Assert.Equal(("new", "starting"), (lateHeartbeat.Value.ClaimedBy, lateHeartbeat.Value.Phase));
        Assert.Equal((JobState.Succeeded, (DateTimeOffset?)null), (finished.Value.State, finished.Value.LeaseExpiresAt));
    }

    [Fact]
    public async Task Cancel_QueuedAndRunning_NeverClaimedAgainAndTheRunnerSeesIt()
    {
        var queued = Nth(Tenant, '0');
        var running = Nth(Tenant, '1');
        Assert.True((await Storage.Jobs.CreateAsync(queued, new byte[] { 1 }, Ct)).IsSuccess);
        Assert.True((await Storage.Jobs.CreateAsync(running, new byte[] { 1 }, Ct)).IsSuccess);
        Assert.Equal(queued.Id, (await Storage.Jobs.ClaimNextAsync("r", TimeSpan.FromMinutes(5), new JobLimits(1, 1), Ct)).Value.Single().Id);

        var cancelledRunning = await Storage.Jobs.CancelAsync(Tenant, queued.Id, Ct);
        var cancelledQueued = await Storage.Jobs.CancelAsync(Tenant, running.Id, Ct);
        var heartbeat = await Storage.Jobs.HeartbeatAsync(queued.Id, "r", new JobProgress("x", 0.5, null), TimeSpan.FromMinutes(5), Ct);
        var claim = await Storage.Jobs.ClaimNextAsync("r", TimeSpan.FromMinutes(5), Unlimited, Ct);
        var otherTenant = await Storage.Jobs.CancelAsync("other-tenant", running.Id, Ct);

        Assert.Equal(JobState.Cancelled, cancelledRunning.Value.State);
        Assert.Equal(JobState.Cancelled, cancelledQueued.Value.State);
        Assert.Equal(JobState.Cancelled, heartbeat.Value.State);
        Assert.Empty(claim.Value);
        Assert.Equal(ErrorCode.NotFound, otherTenant.Error?.Code);
    }

    [Fact]
    public async Task SavePart_HeldToTheOwnerWhileRunning_ReadBackInOrderUntilCancelled()
    {
        var job = Job(Tenant);
        Assert.True((await Storage.Jobs.CreateAsync(job, new byte[] { 1 }, Ct)).IsSuccess);
        var beforeClaim = await Storage.Jobs.SavePartAsync(job.Id, "r", new JobPart(0, [1], [2]), Ct);
        Assert.Equal(job.Id, (await Storage.Jobs.ClaimNextAsync("r", TimeSpan.FromMinutes(5), Unlimited, Ct)).Value.Single().Id);

        var second = await Storage.Jobs.SavePartAsync(job.Id, "r", new JobPart(1, "b\n"u8.ToArray(), []), Ct);
        var first = await Storage.Jobs.SavePartAsync(job.Id, "r", new JobPart(0, "a\n"u8.ToArray(), "e\n"u8.ToArray()), Ct);
        var replaced = await Storage.Jobs.SavePartAsync(job.Id, "r", new JobPart(1, "c\n"u8.ToArray(), []), Ct);
        var otherOwner = await Storage.Jobs.SavePartAsync(job.Id, "someone-else", new JobPart(2, [9], [9]), Ct);
        var parts = await Storage.Jobs.GetPartsAsync(job.Id, Ct);
        Assert.True((await Storage.Jobs.CancelAsync(Tenant, job.Id, Ct)).IsSuccess);
        var afterCancel = await Storage.Jobs.SavePartAsync(job.Id, "r", new JobPart(3, [9], [9]), Ct);
        var left = await Storage.Jobs.GetPartsAsync(job.Id, Ct);

        Assert.Equal((false, true, true, true, false, false), (beforeClaim.Value, second.Value, first.Value, replaced.Value, otherOwner.Value, afterCancel.Value));
        Assert.Equal([0, 1], parts.Value.Select(p => p.Seq));
        Assert.Equal(["a\n", "c\n"], parts.Value.Select(p => Encoding.UTF8.GetString(p.Output)));
        Assert.Equal(["e\n", ""], parts.Value.Select(p => Encoding.UTF8.GetString(p.Errors)));
        Assert.Empty(left.Value);
    }

    [Theory]
    [InlineData(JobState.Succeeded)]
    [InlineData(JobState.Failed)]
    public async Task Finish_DropsTheJobsParts_AnotherJobsStay(JobState state)
    {
        var job = Nth(Tenant, '0');
        var other = Nth(Tenant, '1');
        foreach (var created in new[] { job, other })
        {
            Assert.True((await Storage.Jobs.CreateAsync(created, new byte[] { 1 }, Ct)).IsSuccess);
            Assert.Equal(created.Id, (await Storage.Jobs.ClaimNextAsync("r", TimeSpan.FromMinutes(5), Unlimited, Ct)).Value.Single().Id);
            Assert.True((await Storage.Jobs.SavePartAsync(created.Id, "r", new JobPart(0, "a\n"u8.ToArray(), []), Ct)).Value);
        }

        var notOwner = await Storage.Jobs.FinishAsync(job.Id, "someone-else", state, null, null, Ct);
        var keptByNotOwner = await Storage.Jobs.GetPartsAsync(job.Id, Ct);
        var finished = await Storage.Jobs.FinishAsync(job.Id, "r", state, "{}", null, Ct);
        var left = await Storage.Jobs.GetPartsAsync(job.Id, Ct);
        var others = await Storage.Jobs.GetPartsAsync(other.Id, Ct);

        Assert.Equal(JobState.Running, notOwner.Value.State);
        Assert.Single(keptByNotOwner.Value);
        Assert.Equal(state, finished.Value.State);
        Assert.Empty(left.Value);
        Assert.Single(others.Value);
    }

    [Fact]
    public async Task PurgeEndedBefore_EndedJobsOldestFirstWithTheirInputs_QueuedAndRunningStay()
    {
        var (running, failed, succeeded, cancelled, queued) = (Nth(Tenant, '0'), Nth(Tenant, '1'), Nth(Tenant, '2'), Nth(Tenant, '3'), Nth(Tenant, '4'));
        foreach (var job in new[] { running, failed, succeeded, cancelled, queued })
        {
            Assert.True((await Storage.Jobs.CreateAsync(job, new byte[] { 1 }, Ct)).IsSuccess);
        }

        // Claimed in id order: running, failed and succeeded; cancelled is cancelled while queued, queued stays queued.
        foreach (var job in new[] { running, failed, succeeded })
        {
            Assert.Equal(job.Id, (await Storage.Jobs.ClaimNextAsync("r", TimeSpan.FromMinutes(5), Unlimited, Ct)).Value.Single().Id);
        }

        Assert.True((await Storage.Jobs.FinishAsync(failed.Id, "r", JobState.Failed, null, "no", Ct)).IsSuccess);
        await Task.Delay(5, Ct);
        Assert.True((await Storage.Jobs.FinishAsync(succeeded.Id, "r", JobState.Succeeded, "{}", null, Ct)).IsSuccess);
        await Task.Delay(5, Ct);
        Assert.True((await Storage.Jobs.CancelAsync(Tenant, cancelled.Id, Ct)).IsSuccess);

        var none = await Storage.Jobs.PurgeEndedBeforeAsync(JobScope.All, DateTimeOffset.UtcNow.AddHours(-1), 100, long.MaxValue, Ct);
        var oldest = await Storage.Jobs.PurgeEndedBeforeAsync(JobScope.All, DateTimeOffset.UtcNow.AddMinutes(1), 1, long.MaxValue, Ct);
        var failedAfter = await Storage.Jobs.GetAsync(Tenant, failed.Id, Ct);
        var failedInput = await Storage.Jobs.GetInputAsync(failed.Id, Ct);
        var rest = await Storage.Jobs.PurgeEndedBeforeAsync(JobScope.All, DateTimeOffset.UtcNow.AddMinutes(1), 100, long.MaxValue, Ct);
        var left = new List<JobState>();
        foreach (var job in new[] { queued, running, failed, succeeded, cancelled })
        {
            var found = await Storage.Jobs.GetAsync(Tenant, job.Id, Ct);
            if (found.IsSuccess)
            {
                left.Add(found.Value.State);
            }
            else
            {
                Assert.Equal(ErrorCode.NotFound, found.Error?.Code);
            }
        }

        Assert.Equal(0, none.Value);
        Assert.Equal(1, oldest.Value);
        Assert.Equal(ErrorCode.NotFound, failedAfter.Error?.Code);
        Assert.Equal(ErrorCode.NotFound, failedInput.Error?.Code);
        Assert.Equal(2, rest.Value);
        Assert.Equal([JobState.Queued, JobState.Running], left);
    }

    [Fact]
    public async Task PurgeEndedBefore_InputBytesBound_StopsBeforeTheJobPastItTheFirstAlwaysGoes()
    {
        // Four jobs ended in this order with inputs of 10, 20, 30 and 5 bytes.
        int[] sizes = [10, 20, 30, 5];
        var jobs = new List<NewJob>();
        for (int i = 0; i < sizes.Length; i++)
        {
            var job = Nth(Tenant, (char)('0' + i));
            Assert.True((await Storage.Jobs.CreateAsync(job, new byte[sizes[i]], Ct)).IsSuccess);
            Assert.Equal(job.Id, (await Storage.Jobs.ClaimNextAsync("r", TimeSpan.FromMinutes(5), Unlimited, Ct)).Value.Single().Id);
            Assert.True((await Storage.Jobs.FinishAsync(job.Id, "r", JobState.Succeeded, "{}", null, Ct)).IsSuccess);
            jobs.Add(job);
            await Task.Delay(5, Ct);
        }

        var before = DateTimeOffset.UtcNow.AddMinutes(1);
        // 10 + 20 fit 35 bytes, the 30 would pass them: two go. Then the 30 alone is past 1 byte, but a call deletes at
        // least one job. Then the 5 fits.
        var first = await Storage.Jobs.PurgeEndedBeforeAsync(JobScope.All, before, 100, 35, Ct);
        var left = await Storage.Jobs.GetAsync(Tenant, jobs[2].Id, Ct);
        var alone = await Storage.Jobs.PurgeEndedBeforeAsync(JobScope.All, before, 100, 1, Ct);
        var last = await Storage.Jobs.PurgeEndedBeforeAsync(JobScope.All, before, 100, 5, Ct);
        var none = await Storage.Jobs.PurgeEndedBeforeAsync(JobScope.All, before, 100, 5, Ct);

        Assert.Equal((2, 1, 1, 0), (first.Value, alone.Value, last.Value, none.Value));
        Assert.Equal(30L, left.Value.InputBytes);
    }

    [Fact]
    public async Task PurgeEndedBefore_Scopes_OneTenantOrEveryTenantButTheExcepted()
    {
        // One ended job each of tenants a, b and c, and a queued one of a.
        var ended = new Dictionary<string, NewJob>();
        foreach (string tenant in new[] { "tenant-a", "tenant-b", "tenant-c" })
        {
            var job = Job(tenant);
            Assert.True((await Storage.Jobs.CreateAsync(job, new byte[] { 1 }, Ct)).IsSuccess);
            Assert.Equal(job.Id, (await Storage.Jobs.ClaimNextAsync("r", TimeSpan.FromMinutes(5), Unlimited, Ct)).Value.Single().Id);
            Assert.True((await Storage.Jobs.FinishAsync(job.Id, "r", JobState.Succeeded, "{}", null, Ct)).IsSuccess);
            ended[tenant] = job;
        }

        var queued = Job("tenant-a");
        Assert.True((await Storage.Jobs.CreateAsync(queued, new byte[] { 1 }, Ct)).IsSuccess);
        var before = DateTimeOffset.UtcNow.AddMinutes(1);

        var ofB = await Storage.Jobs.PurgeEndedBeforeAsync(JobScope.Of("tenant-b"), before, 100, long.MaxValue, Ct);
        var ofBAgain = await Storage.Jobs.PurgeEndedBeforeAsync(JobScope.Of("tenant-b"), before, 100, long.MaxValue, Ct);
        var butC = await Storage.Jobs.PurgeEndedBeforeAsync(new JobScope { ExceptTenants = ["tenant-c"] }, before, 100, long.MaxValue, Ct);
        var left = new List<string>();
        foreach (var job in ended.Values.Append(queued))
        {
            if ((await Storage.Jobs.GetAsync(job.Tenant, job.Id, Ct)).IsSuccess)
            {
                left.Add(job.Id);
            }
        }

        Assert.Equal((1, 0, 1), (ofB.Value, ofBAgain.Value, butC.Value));
        Assert.Equal([ended["tenant-c"].Id, queued.Id], left);
    }

    [Fact]
    public async Task ClaimNext_KindWithSlotsOfItsOwn_CountedApartFromTheTenantsOtherJobsWithinTheGlobalBound()
    {
        var batch = Nth(Tenant, '0') with { Kind = "batch" };
        var secondBatch = Nth(Tenant, '1') with { Kind = "batch" };
        var training = Nth(Tenant, '2');
        var secondTraining = Nth(Tenant, '3');
        foreach (var job in new[] { batch, secondBatch, training, secondTraining })
        {
            Assert.True((await Storage.Jobs.CreateAsync(job, new byte[] { 1 }, Ct)).IsSuccess);
        }

        var limits = new JobLimits(Global: 3, PerTenant: 1) { PerTenantOfKind = new Dictionary<string, int> { ["batch"] = 1 } };
        var lease = TimeSpan.FromMinutes(5);
        var onlyOthers = await Storage.Jobs.ClaimNextAsync("r", lease, limits with { OwnSlots = false }, Ct);
        var first = await Storage.Jobs.ClaimNextAsync("r", lease, limits, Ct);
        var third = await Storage.Jobs.ClaimNextAsync("r", lease, limits, Ct);
        var globalFull = await Storage.Jobs.ClaimNextAsync("r", lease, limits with { Global = 2 }, Ct);

        // A training first when the claim may take only the others; then the batch beside it (its own slot); then
        // nothing: the tenant's batch slot and its training slot are both taken.
        Assert.Equal(training.Id, onlyOthers.Value.Single().Id);
        Assert.Equal(batch.Id, first.Value.Single().Id);
        Assert.Empty(third.Value);
        Assert.Empty(globalFull.Value);
    }

    [Fact]
    public async Task ClaimNext_QueuedPastItsExpiry_FirstAndBeyondEveryLimitLongestExpiredFirst()
    {
        // One job running fills the global bound and its tenant's; behind it, in creation order: a job that expires in
        // an hour, one that expired a minute ago and one that expired two minutes ago (created last).
        var now = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        var running = Nth(Tenant, '0');
        var later = Nth(Tenant, '1') with { ExpiresAt = now.AddHours(1) };
        var expired = Nth(Tenant, '2') with { ExpiresAt = now.AddMinutes(-1) };
        var longest = Nth(Tenant, '3') with { ExpiresAt = now.AddMinutes(-2) };
        var limits = new JobLimits(Global: 1, PerTenant: 1);
        var lease = TimeSpan.FromMinutes(5);
        Assert.True((await Storage.Jobs.CreateAsync(running, new byte[] { 1 }, Ct)).IsSuccess);
        Assert.Equal(running.Id, (await Storage.Jobs.ClaimNextAsync("r", lease, limits, Ct)).Value.Single().Id);
        foreach (var job in new[] { later, expired, longest })
        {
            Assert.True((await Storage.Jobs.CreateAsync(job, new byte[] { 1 }, Ct)).IsSuccess);
        }

        var underTheLimits = await Storage.Jobs.ClaimNextAsync("r", lease, limits with { Expired = false }, Ct);
        var first = await Storage.Jobs.ClaimNextAsync("r", lease, limits, Ct);
        var second = await Storage.Jobs.ClaimNextAsync("r", lease, limits with { Expired = true }, Ct);
        var onlyExpired = await Storage.Jobs.ClaimNextAsync("r", lease, Unlimited with { Expired = true }, Ct);
        var none = await Storage.Jobs.ClaimNextAsync("r", lease, limits, Ct);
        var stored = await Storage.Jobs.GetAsync(Tenant, later.Id, Ct);

        Assert.Empty(underTheLimits.Value);
        Assert.Equal((longest.Id, JobState.Running, longest.ExpiresAt), (first.Value.Single().Id, first.Value.Single().State, first.Value.Single().ExpiresAt));
        Assert.Equal((expired.Id, "r"), (second.Value.Single().Id, second.Value.Single().ClaimedBy));
        // Past the expired ones: the job that expires later waits for a slot even when the limits would let it run.
        Assert.Empty(onlyExpired.Value);
        Assert.Empty(none.Value);
        Assert.Equal((JobState.Queued, later.ExpiresAt), (stored.Value.State, stored.Value.ExpiresAt));
        Assert.Null((await Storage.Jobs.GetAsync(Tenant, running.Id, Ct)).Value.ExpiresAt);
    }
}
