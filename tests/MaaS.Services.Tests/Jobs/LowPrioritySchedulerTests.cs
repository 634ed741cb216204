using System.Globalization;
using MaaS.Services.Jobs;

namespace MaaS.Services.Tests.Jobs;

public sealed class LowPrioritySchedulerTests
{
    [Fact]
    public async Task Run_OnTheSchedulersThreads_AtMostThatManyAtOnce()
    {
        using var scheduler = new LowPriorityScheduler(2, "test", 19);
        int running = 0, most = 0;
        var work = Enumerable.Range(0, 8).Select(_ => Task.Factory.StartNew(() =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            Thread.Sleep(20);
            Interlocked.Decrement(ref running);
            return Thread.CurrentThread.Name;
        }, TestContext.Current.CancellationToken, TaskCreationOptions.None, scheduler)).ToArray();

        string?[] names = await Task.WhenAll(work).WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.All(names, n => Assert.StartsWith("test ", n));
        Assert.InRange(most, 1, 2);
    }

    [Fact]
    public async Task Dispose_WorkThatIgnoresItsToken_ReturnsAfterTheStopTimeout()
    {
        using var release = new ManualResetEventSlim();
        var scheduler = new LowPriorityScheduler(1, "test", 19);
        var started = new TaskCompletionSource();
        var stuck = Task.Factory.StartNew(() =>
        {
            started.SetResult();
            release.Wait(TimeSpan.FromMinutes(5));
        }, CancellationToken.None, TaskCreationOptions.None, scheduler);
        await started.Task.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        // Unbounded, this Dispose would wait for the stuck work (5 minutes here; for ever in the CI hang it guards).
        var disposing = Task.Run(scheduler.Dispose, TestContext.Current.CancellationToken);
        var finished = await Task.WhenAny(disposing, Task.Delay(LowPriorityScheduler.StopTimeout * 6, TestContext.Current.CancellationToken));

        Assert.Same(disposing, finished);
        Assert.False(stuck.IsCompleted, "the stuck work was abandoned, not waited for");
        release.Set();
        await stuck.WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(19)]
    public async Task Run_OnLinux_ThreadsHaveTheGivenNiceness(int niceness)
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "nice values are Linux's");
        Assert.SkipWhen(ThreadNiceness() > niceness, $"this process runs at nice {ThreadNiceness()}, above {niceness}");
        using var scheduler = new LowPriorityScheduler(1, "test", niceness);

        int seen = await Task.Factory.StartNew(ThreadNiceness, TestContext.Current.CancellationToken, TaskCreationOptions.None, scheduler)
            .WaitAsync(TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.True(seen == niceness, $"asked for nice {niceness}, the thread runs at {seen}");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(20)]
    public void Constructor_NicenessOutOfRange_Throws(int niceness) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new LowPriorityScheduler(1, "test", niceness));

    // Field 19 of /proc/thread-self/stat, counted after the command name (which may hold spaces) ends at its ')'.
    private static int ThreadNiceness()
    {
        string stat = File.ReadAllText("/proc/thread-self/stat");
        return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[16], CultureInfo.InvariantCulture);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
