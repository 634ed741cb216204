using MaaS.Services.Batches;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace MaaS.Services.Tests.Jobs;

/// <summary>
/// The sweep of expired files over a real SQLite store. Its clock runs ahead of the store's, so a file the sweep deletes
/// still reads as live until then: what the test sees gone, the sweep deleted.
/// </summary>
public sealed class FileExpirySweepTests
{
    [Fact]
    public async Task Sweep_FilesExpiredByItsClock_DeletedOfEveryTenantOthersStay()
    {
        await using var world = await SqliteJobWorld.OpenAsync("test-files", Ct);
        var soon = await PutAsync(world, "tenant-a", TimeSpan.FromHours(1));
        var otherTenants = await PutAsync(world, "tenant-b", TimeSpan.FromHours(1));
        var later = await PutAsync(world, "tenant-a", TimeSpan.FromDays(3));
        var kept = await PutAsync(world, "tenant-a", null);

        long deleted = await Sweep(world, TimeSpan.FromHours(2)).SweepAsync(Ct);
        long again = await Sweep(world, TimeSpan.FromHours(2)).SweepAsync(Ct);

        Assert.Equal((2L, 0L), (deleted, again));
        Assert.Equal(ErrorCode.NotFound, (await world.Storage.Files.GetAsync("tenant-a", soon.Id, Ct)).Error?.Code);
        Assert.Equal(ErrorCode.NotFound, (await world.Storage.Files.GetAsync("tenant-b", otherTenants.Id, Ct)).Error?.Code);
        Assert.True((await world.Storage.Files.GetAsync("tenant-a", later.Id, Ct)).IsSuccess);
        Assert.True((await world.Storage.Files.GetAsync("tenant-a", kept.Id, Ct)).IsSuccess);
    }

    [Fact]
    public async Task Scheduled_EveryFewMilliseconds_DeletesAFileOnceItsClockPassesTheExpiry()
    {
        await using var world = await SqliteJobWorld.OpenAsync("test-files", Ct);
        using var sweep = new RetentionSchedule(TimeSpan.FromSeconds(0.05), TimeProvider.System, Sweep(world, TimeSpan.FromHours(2)).SweepAsync);
        await sweep.StartAsync(Ct);
        var file = await PutAsync(world, "tenant-a", TimeSpan.FromHours(1));
        var kept = await PutAsync(world, "tenant-a", TimeSpan.FromDays(1));

        var found = await world.Storage.Files.GetAsync("tenant-a", file.Id, Ct);
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); found.IsSuccess && waited.Elapsed < TimeSpan.FromSeconds(60); found = await world.Storage.Files.GetAsync("tenant-a", file.Id, Ct))
        {
            await Task.Delay(20, Ct);
        }

        await sweep.StopAsync(Ct);

        Assert.Equal(ErrorCode.NotFound, found.Error?.Code);
        Assert.True((await world.Storage.Files.GetAsync("tenant-a", kept.Id, Ct)).IsSuccess);
    }

    [Fact]
    public async Task AddBatches_HostsTheSweepEveryExpirySweepSeconds()
    {
        await using var world = await SqliteJobWorld.OpenAsync("test-files", Ct);
        var services = new ServiceCollection();
        services.AddSingleton<IStorage>(world.Storage);
        services.AddSingleton<TimeProvider>(new ShiftedClock(TimeSpan.FromHours(2)));
        services.AddSingleton(typeof(ILogger<>), typeof(NullLogger<>));
        services.AddBatches();
        services.Configure<BatchOptions>(o => o.ExpirySweepSeconds = 0.05);
        await using var provider = services.BuildServiceProvider();
        var file = await PutAsync(world, "tenant-a", TimeSpan.FromHours(1));

        var hosted = Assert.Single(provider.GetServices<IHostedService>());
        await hosted.StartAsync(Ct);
        var found = await world.Storage.Files.GetAsync("tenant-a", file.Id, Ct);
        for (var waited = System.Diagnostics.Stopwatch.StartNew(); found.IsSuccess && waited.Elapsed < TimeSpan.FromSeconds(60); found = await world.Storage.Files.GetAsync("tenant-a", file.Id, Ct))
        {
            await Task.Delay(20, Ct);
        }

        await hosted.StopAsync(Ct);

        Assert.IsType<RetentionSchedule>(hosted);
        Assert.Equal(ErrorCode.NotFound, found.Error?.Code);
    }

    private static FileExpirySweep Sweep(SqliteJobWorld world, TimeSpan ahead) => new(world.Storage, new ShiftedClock(ahead), NullLogger<FileExpirySweep>.Instance);

    private static async Task<FileRecord> PutAsync(SqliteJobWorld world, string tenant, TimeSpan? expiresAfter)
    {
        var stored = await world.Storage.Files.PutAsync(new NewFile(OpenAiFiles.NewId(), tenant, "f.jsonl", OpenAiFiles.UploadPurpose, expiresAfter), "{}"u8.ToArray(), null, Ct);
        Assert.True(stored.IsSuccess, stored.ToString());
        return stored.Value;
    }
}
