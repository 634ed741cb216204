using MaaS.Services.Jobs;

namespace MaaS.Services.Tests.Jobs;

/// <summary>
/// <see cref="JobRetention"/> over a real SQLite file: a job that ended longer ago than
/// <c>Jobs:MaxEndedAgeSeconds</c> is deleted with its input, by one pass and by the running service; a queued job and a
/// job that ended more recently stay, and nothing goes while the setting is unset; a tenant with an age of its own
/// (<c>Jobs:TenantMaxEndedAgeSeconds</c>) has its jobs deleted by it, shorter or longer than the default.
/// </summary>
public sealed class JobRetentionTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Purge_EndedLongerAgoThanTheAge_DeletedWithItsInputQueuedStays()
    {
        await using var world = await SqliteJobWorld.OpenAsync("test-retention", Ct);
        var ended = await EndOneAsync(world);

        long unset = await Retention(world, null, TimeSpan.FromDays(3650)).PurgeAsync(Ct);
        long recent = await Retention(world, 3600, TimeSpan.Zero).PurgeAsync(Ct);
        long old = await Retention(world, 3600, TimeSpan.FromHours(2)).PurgeAsync(Ct);
        var endedAfter = await world.Storage.Jobs.GetAsync(world.Job.Tenant, ended.Id, Ct);
        var inputAfter = await world.Storage.Jobs.GetInputAsync(ended.Id, Ct);

        Assert.Equal((0L, 0L, 1L), (unset, recent, old));
        Assert.Equal(ErrorCode.NotFound, endedAfter.Error?.Code);
        Assert.Equal(ErrorCode.NotFound, inputAfter.Error?.Code);
        Assert.Equal(JobState.Queued, (await world.ReadAsync(Ct)).State);
    }

    [Fact]
    public async Task Started_WithAnAgeOfOneSecond_EndedJobGoneQueuedStays()
    {
        await using var world = await SqliteJobWorld.OpenAsync("test-retention", Ct);
        var ended = await EndOneAsync(world);
        using var retention = Retention(world, 1, TimeSpan.Zero);
        await retention.StartAsync(Ct);
        var found = await world.Storage.Jobs.GetAsync(world.Job.Tenant, ended.Id, Ct);
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); found.IsSuccess && waited.Elapsed < TimeSpan.FromSeconds(60); found = await world.Storage.Jobs.GetAsync(world.Job.Tenant, ended.Id, Ct))
        {
            await Task.Delay(100, Ct);
        }

        await retention.StopAsync(Ct);

        Assert.Equal(ErrorCode.NotFound, found.Error?.Code);
        Assert.Equal(JobState.Queued, (await world.ReadAsync(Ct)).State);
    }

    [Theory]
    [InlineData(null, 1)] // only tenant-b has an age, an hour: its job goes, tenant-a's stays
    [InlineData(3600.0, 2)] // both go: tenant-a's under the default, tenant-b's under its own
    [InlineData(36_000.0, 1)] // the default is 10 hours: only tenant-b's goes
    public async Task Purge_ATenantWithAnAgeOfItsOwn_ItsJobsByItOthersByTheDefault(double? defaultAge, long deleted)
    {
        await using var world = await SqliteJobWorld.OpenAsync("test-retention", Ct);
        var ofA = await EndOneAsync(world);
        var ofB = await EndOneAsync(world, "tenant-b");
        // Two hours later: tenant-b's age is an hour, and it has one of its own even when the default is ten hours.
        var options = new JobOptions { MaxEndedAgeSeconds = defaultAge, TenantMaxEndedAgeSeconds = { ["tenant-b"] = 3600 } };
        using var retention = new JobRetention(world.Storage, Options.Create(options), new ShiftedClock(TimeSpan.FromHours(2)), NullLogger<JobRetention>.Instance);

        long purged = await retention.PurgeAsync(Ct);
        bool aLeft = (await world.Storage.Jobs.GetAsync(ofA.Tenant, ofA.Id, Ct)).IsSuccess;
        bool bLeft = (await world.Storage.Jobs.GetAsync(ofB.Tenant, ofB.Id, Ct)).IsSuccess;

        Assert.Equal(deleted, purged);
        Assert.Equal((defaultAge is not 3600.0, false), (aLeft, bLeft));
        Assert.Equal(JobState.Queued, (await world.ReadAsync(Ct)).State);
    }

    [Fact]
    public async Task Purge_ATenantsAgeLongerThanTheDefault_ItsJobsKeptPastTheDefault()
    {
        await using var world = await SqliteJobWorld.OpenAsync("test-retention", Ct);
        var ofA = await EndOneAsync(world);
        var ofB = await EndOneAsync(world, "tenant-b");
        var options = new JobOptions { MaxEndedAgeSeconds = 3600, TenantMaxEndedAgeSeconds = { ["tenant-b"] = 36_000 } };
        using var retention = new JobRetention(world.Storage, Options.Create(options), new ShiftedClock(TimeSpan.FromHours(2)), NullLogger<JobRetention>.Instance);

        long purged = await retention.PurgeAsync(Ct);

        Assert.Equal(1, purged);
        Assert.Equal(ErrorCode.NotFound, (await world.Storage.Jobs.GetAsync(ofA.Tenant, ofA.Id, Ct)).Error?.Code);
        Assert.True((await world.Storage.Jobs.GetAsync(ofB.Tenant, ofB.Id, Ct)).IsSuccess);
    }

    private static JobRetention Retention(SqliteJobWorld world, double? maxEndedAgeSeconds, TimeSpan ahead) => new(
        world.Storage, Options.Create(new JobOptions { MaxEndedAgeSeconds = maxEndedAgeSeconds }), new ShiftedClock(ahead), NullLogger<JobRetention>.Instance);

    // A second job of the world's tenant, claimed and succeeded; the world's own job stays queued (it is created first,
    // so the claim would take it: this one is claimed by id through a tenant limit of its kind instead).
    private static async Task<NewJob> EndOneAsync(SqliteJobWorld world, string? tenant = null)
    {
        var job = world.Job with { Id = Guid.NewGuid().ToString("N"), Kind = "test-ended", Tenant = tenant ?? world.Job.Tenant };
        Assert.True((await world.Storage.Jobs.CreateAsync(job, new byte[] { 2 }, Ct)).IsSuccess);
        var limits = new JobLimits(4, 4) { PerTenantOfKind = new Dictionary<string, int> { [job.Kind] = 1 }, OwnSlots = true };
        Assert.Equal(job.Id, (await world.Storage.Jobs.ClaimNextAsync("r", TimeSpan.FromMinutes(5), limits, Ct)).Value.Single().Id);
        Assert.Equal(JobState.Succeeded, (await world.Storage.Jobs.FinishAsync(job.Id, "r", JobState.Succeeded, "{}", null, Ct)).Value.State);
        return job;
    }
}
