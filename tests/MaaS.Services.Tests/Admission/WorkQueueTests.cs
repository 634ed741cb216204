using MaaS.Services.Admission;

namespace MaaS.Services.Tests.Admission;

/// <summary>
/// The fair work queue behind admission, driven directly so the order of grants is exact (over HTTP it would depend on
/// how long the work runs).
/// </summary>
public sealed class WorkQueueTests
{

    [Fact]
    public async Task EnterAsync_TenantAtItsShare_OtherTenantAdmittedAtOnceWhileItsOwnWait()
    {
        var queue = new WorkQueue(capacity: 100, share: 50);

        using var heavyRunning = await queue.EnterAsync("heavy", 50, Ct);
        var heavyNext = Enter(queue, "heavy", 10);
        var light = Enter(queue, "light", 5);

        Assert.False(heavyNext.IsCompleted, "the heavy tenant ran past its share");
        Assert.True(light.IsCompletedSuccessfully, "the light tenant waited behind the heavy tenant's queue");
        Assert.Equal(55, queue.RunningUnits);
        Assert.Equal(1, queue.Waiting);
        (await light).Dispose();
        heavyRunning.Dispose();
        using var granted = await heavyNext;
        Assert.Equal(10, queue.RunningUnits);
    }

    [Fact]
    public async Task EnterAsync_CapacityFull_WaitingTenantsTakeTurnsNewcomersFirst()
    {
        var queue = new WorkQueue(capacity: 10, share: 10);
        var order = new List<string>();
        var first = await queue.EnterAsync("a", 10, Ct);

        // a queues three more before b and c each queue one: arrival order a a a b c.
        var pending = new List<(string Name, Task<WorkQueue.WorkGrant> Task)>
        {
            ("a2", Enter(queue, "a", 10)),
            ("a3", Enter(queue, "a", 10)),
            ("a4", Enter(queue, "a", 10)),
            ("b1", Enter(queue, "b", 10)),
            ("c1", Enter(queue, "c", 10)),
        };
        var current = first;
        while (pending.Count > 0)
        {
            current.Dispose();
            var done = await Task.WhenAny(pending.Select(p => p.Task)).WaitAsync(TimeSpan.FromSeconds(5), Ct);
            var next = pending.Single(p => p.Task == done);
            pending.Remove(next);
            Assert.All(pending, p => Assert.False(p.Task.IsCompleted, $"{p.Name} was granted together with {next.Name} in a queue with room for one"));
            order.Add(next.Name);
            current = await done;
        }

        current.Dispose();
        Assert.Equal(["b1", "c1", "a2", "a3", "a4"], order);
        Assert.Equal(0, queue.RunningUnits);
    }

    [Fact]
    public async Task EnterAsync_LargeRequestsTurnWithoutRoom_NotOvertakenBySmallOnes()
    {
        var queue = new WorkQueue(capacity: 10, share: 8);
        using var running = await queue.EnterAsync("a", 5, Ct);

        // 5 of 10 units run: b's 8 do not fit, so b waits at the head of the queue, and c, which would fit, behind it.
        var (large, small) = (Enter(queue, "b", 8), Enter(queue, "c", 1));
        (bool largeGranted, bool smallGranted) = (large.IsCompleted, small.IsCompleted);
        running.Dispose();
        using var largeGrant = await large;
        using var smallGrant = await small;

        Assert.False(largeGranted, "8 units granted with 5 of 10 running");
        Assert.False(smallGranted, "a small request overtook the large one whose turn it is");
        Assert.Equal(9, queue.RunningUnits);
    }

    [Fact]
    public async Task EnterAsync_CostAboveShare_RunsAloneWithinTheShare()
    {
        var queue = new WorkQueue(capacity: 100, share: 40);

        using var huge = await queue.EnterAsync("a", 5_376, Ct);
        var more = Enter(queue, "a", 1);

        Assert.Equal(40, huge.Units);
        Assert.False(more.IsCompleted, "the tenant ran more than its share beside a request that fills it");
        huge.Dispose();
        using var granted = await more;
    }

    [Fact]
    public async Task EnterAsync_CancelledWhileWaiting_LeavesTheQueueAndTheNextIsServed()
    {
        var queue = new WorkQueue(capacity: 4, share: 4);
        var running = await queue.EnterAsync("a", 4, Ct);
        using var cancel = new CancellationTokenSource();
        var cancelled = queue.EnterAsync("b", 4, cancel.Token).AsTask();
        var next = Enter(queue, "c", 4);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.Equal(1, queue.Waiting);
        running.Dispose();
        using var granted = await next.WaitAsync(TimeSpan.FromSeconds(5), Ct);

        Assert.Equal(4, queue.RunningUnits);
        Assert.Equal(0, queue.Waiting);
    }

    private static Task<WorkQueue.WorkGrant> Enter(WorkQueue queue, string partition, long cost) => queue.EnterAsync(partition, cost, Ct).AsTask();
}
