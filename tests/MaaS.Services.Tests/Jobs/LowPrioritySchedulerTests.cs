using MaaS.Services.Jobs;

namespace MaaS.Services.Tests.Jobs;

public sealed class LowPrioritySchedulerTests
{
    [Fact]
    public async Task Run_OnTheSchedulersThreads_AtMostThatManyAtOnce()
    {
        using var scheduler = new LowPriorityScheduler(2, "test");
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
        var scheduler = new LowPriorityScheduler(1, "test");
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

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
