namespace MaaS.Models.Tests.Inference;

/// <summary>
/// Triton's priority levels and queue policies in the dynamic batcher, on the gated model: one run holds the only
/// instance while requests queue, then the order they are served (one request a run) is read back.
/// </summary>
public sealed partial class DynamicBatcherTests
{
    [Fact]
    public async Task ExecuteAsync_PriorityLevels_ServedHighestLevelFirstAndInArrivalOrderWithinALevel()
    {
        using var model = new GatedModel();
        await using var batcher = PriorityBatcher(model, """{ "priorityLevels": 3, "defaultPriorityLevel": 2 }""");
        var running = await RunningAsync(batcher, model, 1f);

        var queued = new[]
        {
            Queue(batcher, 30f, priority: 3), Queue(batcher, 31f, priority: 3), Queue(batcher, 20f),
            Queue(batcher, 10f, priority: 1), Queue(batcher, 21f, priority: 2), Queue(batcher, 11f, priority: 1),
        };
        model.Open();
        await running;
        await Task.WhenAll(queued);

        Assert.Equal([1f, 10f, 11f, 20f, 21f, 30f, 31f], model.Served);
        Assert.All(queued, q => Assert.True(q.Result.IsSuccess, q.Result.Error?.Message));
    }

    [Fact]
    public async Task ExecuteAsync_LevelQueueFull_RefusedOverloadedWhileOtherLevelsStillQueue()
    {
        using var model = new GatedModel();
        await using var batcher = PriorityBatcher(model, """{ "priorityLevels": 2, "defaultPriorityLevel": 1, "priorityQueuePolicy": { "2": { "maxQueueSize": 1 } } }""");
        var running = await RunningAsync(batcher, model, 1f);

        var low = Queue(batcher, 2f, priority: 2);
        var refused = await Queue(batcher, 3f, priority: 2);
        var high = Queue(batcher, 4f, priority: 1);
        model.Open();

        Assert.Equal(ErrorCode.Overloaded, refused.Error?.Code);
        Assert.Contains("priority level 2", refused.Error?.Message, StringComparison.Ordinal);
        Assert.Equal(4f, Output(await low));
        Assert.Equal(8f, Output(await high));
        await running;
        Assert.Equal([1f, 4f, 2f], model.Served);
    }

    [Fact]
    public async Task ExecuteAsync_RejectTimeoutExpiresInTheQueue_AnsweredAtOnceAndNeverRun()
    {
        using var model = new GatedModel();
        await using var batcher = PriorityBatcher(model,
            """{ "priorityLevels": 2, "defaultPriorityLevel": 1, "priorityQueuePolicy": { "2": { "timeoutAction": "REJECT", "defaultTimeoutMicroseconds": 100000 } } }""");
        var running = await RunningAsync(batcher, model, 1f);

        var rejected = await Queue(batcher, 2f, priority: 2);
        int startsWhenRejected = model.Starts;
        model.Open();
        await running;

        Assert.Equal(ErrorCode.ModelNotReady, rejected.Error?.Code);
        Assert.Equal("Request timeout expired", rejected.Error?.Message);
        Assert.Equal(1, startsWhenRejected);
        Assert.Equal(10f, Output(await Queue(batcher, 5f, priority: 1)));
        Assert.Equal([1f, 5f], model.Served);
        Assert.Equal(0, batcher.Pending);
    }

    /// <summary>A DELAY level's request whose timeout expired goes behind the one that came after it, and is still served.</summary>
    [Fact]
    public async Task ExecuteAsync_DelayTimeoutExpires_ServedAfterTheLevelsRequestsStillInTime()
    {
        using var model = new GatedModel();
        await using var batcher = PriorityBatcher(model,
            """{ "defaultQueuePolicy": { "timeoutAction": "DELAY", "defaultTimeoutMicroseconds": 60000000, "allowTimeoutOverride": true } }""");
        var running = await RunningAsync(batcher, model, 1f);

        var expired = Queue(batcher, 2f, timeoutMicroseconds: 1000);
        await Task.Delay(100, TestContext.Current.CancellationToken);
        var inTime = Queue(batcher, 3f);
        model.Open();
        await running;

        Assert.Equal(4f, Output(await expired));
        Assert.Equal(6f, Output(await inTime));
        Assert.Equal([1f, 3f, 2f], model.Served);
    }

    /// <summary>A request's own timeout applies only where the policy allows an override, and only shortens the default (Triton's rule).</summary>
    [Theory]
    [InlineData(true, 60_000_000, true)]
    [InlineData(false, 60_000_000, false)]
    [InlineData(true, 0, false)]
    public async Task ExecuteAsync_TimeoutOverride_AppliesOnlyWhereAllowedAndShorter(bool allow, long defaultMicroseconds, bool rejected)
    {
        using var model = new GatedModel();
        await using var batcher = PriorityBatcher(model, $$"""
            { "priorityLevels": 2, "defaultPriorityLevel": 1,
              "priorityQueuePolicy": { "2": { "defaultTimeoutMicroseconds": {{defaultMicroseconds}}, "allowTimeoutOverride": {{(allow ? "true" : "false")}} } } }
            """);
        var running = await RunningAsync(batcher, model, 1f);

        var overriding = Queue(batcher, 2f, priority: 2, timeoutMicroseconds: 50_000);
        // An expected rejection may wait for a loaded machine's timer; an unexpected one would come within the half second.
        await Task.WhenAny(overriding, Task.Delay(rejected ? Patience : TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken));
        bool answeredWhileHeld = overriding.IsCompleted;
        model.Open();
        await running;
        var result = await overriding;

        Assert.Equal(rejected, answeredWhileHeld);
        Assert.Equal(rejected ? "Request timeout expired" : null, result.Error?.Message);
    }

    [Fact]
    public async Task ExecuteAsync_OneLevelWithoutTimeouts_KeepsTheSingleQueueAndIgnoresPriority()
    {
        using var model = new GatedModel();
        await using var batcher = PriorityBatcher(model, """{ "priorityLevels": 1, "defaultPriorityLevel": 1 }""");
        var running = await RunningAsync(batcher, model, 1f);

        var queued = new[] { Queue(batcher, 2f, priority: 1), Queue(batcher, 3f, priority: 7) };
        model.Open();
        await running;
        await Task.WhenAll(queued);

        Assert.Equal([1f, 2f, 3f], model.Served);
    }

    /// <summary>A batcher of one request a run, one instance, no delay, with the priority settings of <paramref name="dynamicBatching"/>.</summary>
    private static DynamicBatcher PriorityBatcher(GatedModel model, string dynamicBatching)
    {
        var config = ModelConfigReader.TryParse($$"""{ "maxBatchSize": 1, "dynamicBatching": {{dynamicBatching}} }""", out string? error);
        Assert.True(config is not null, error);
        return new(model, 1, TimeSpan.Zero, config.DynamicBatching.MaxQueueSize, Ignore, 1, config.DynamicBatching);
    }

    private static Task<Result<ExecutionResult>> Queue(DynamicBatcher batcher, float value, ulong priority = 0, ulong timeoutMicroseconds = 0) =>
        batcher.ExecuteAsync(Request(value) with { Priority = priority, QueueTimeoutMicroseconds = timeoutMicroseconds }, TestContext.Current.CancellationToken, CancellationToken.None).AsTask()
            .WaitAsync(Patience, TestContext.Current.CancellationToken);
}
