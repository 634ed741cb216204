using System.Diagnostics;

namespace MaaS.Models.Tests.Inference;

public sealed class ModelInferenceTests
{
    [Fact]
    public async Task InferAsync_ExampleMlp_MatchesReference()
    {
        using var repo = new TestRepository().WithExampleMlp();
        await using var registry = await Registries.LoadAsync(repo.Root);
        float[] x = [.. Enumerable.Range(0, 5 * 8).Select(i => MathF.Cos(i))];

        var result = await Registries.Inference(registry).InferAsync(
            ExampleMlp.Name, null, new InferenceRequest([InferTensor.Fp32("input", x, 5, 8)], [ExampleMlp.Probabilities]), TestContext.Current.CancellationToken);

        Assert.True(result.IsSuccess, result.Error?.Message);
        var output = Assert.Single(result.Value!.Outputs);
        Assert.Equal([5L, 3L], output.Shape);
        var (_, expected) = ExampleMlp.Reference(x, 5);
        float[] actual = (float[])output.Data;
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public async Task InferAsync_ConcurrentRequestsDifferentWidths_MergedOnlyWhenCompatible()
    {
        using var repo = RowSum(columns: -1,
            """{ "maxBatchSize": 32, "dynamicBatching": { "maxQueueDelayMicroseconds": 200000, "maxQueueSize": 64 } }""");
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);

        var tasks = Enumerable.Range(0, 10).Select(i =>
        {
            int width = i % 2 == 0 ? 2 : 3;
            float[] x = [.. Enumerable.Range(0, 2 * width).Select(j => (float)(i * 10 + j))];
            return (x, width, task: inference.InferAsync("rowsum", null, new InferenceRequest([InferTensor.Fp32("x", x, 2, width)]), TestContext.Current.CancellationToken).AsTask());
        }).ToList();
        await Task.WhenAll(tasks.Select(t => t.task));

        foreach (var (x, width, task) in tasks)
        {
            var result = await task;
            Assert.True(result.IsSuccess, result.Error?.Message);
            float[] expected = [x.Take(width).Sum(), x.Skip(width).Sum()];
            Assert.Equal(expected, (float[])result.Value!.Outputs.Single().Data);
        }

        var stats = registry.GetModel("rowsum")!.Versions.Single().Statistics!.Snapshot();
        Assert.Equal(20, stats.InferenceCount);
        Assert.True(stats.ExecutionCount is >= 2 and < 10, $"10 requests of two widths ran in {stats.ExecutionCount} runs");
    }

    /// <summary>
    /// model.json's <c>instances</c> reaches the batcher through the registry: with two, concurrent callers of a real ONNX
    /// session still each get their own rows, and the Triton config says the count.
    /// </summary>
    [Fact]
    public async Task InferAsync_TwoInstances_EachCallerGetsItsOwnRowsAndConfigSaysTwo()
    {
        using var repo = RowSum(columns: 3,
            """{ "maxBatchSize": 4, "instances": 2, "dynamicBatching": { "maxQueueDelayMicroseconds": 100, "maxQueueSize": 256 } }""");
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);

        var tasks = Enumerable.Range(0, 64).Select(i =>
        {
            float[] x = [.. Enumerable.Range(0, 3).Select(j => (float)(i * 10 + j))];
            return (x, task: Task.Run(() => inference.InferAsync("rowsum", null, new InferenceRequest([InferTensor.Fp32("x", x, 1, 3)]), TestContext.Current.CancellationToken).AsTask()));
        }).ToList();
        await Task.WhenAll(tasks.Select(t => t.task));

        foreach (var (x, task) in tasks)
        {
            var result = await task;
            Assert.True(result.IsSuccess, result.Error?.Message);
            Assert.Equal([x.Sum()], (float[])result.Value!.Outputs.Single().Data);
        }

        var model = registry.GetModel("rowsum")!;
        var version = model.Versions.Single();
        Assert.Equal(64, version.Statistics!.Snapshot().InferenceCount);
        var group = Assert.Single(V2Mapping.Config(model, version, model.Config!).InstanceGroup!);
        Assert.Equal((2, "KIND_CPU"), (group.Count, group.Kind));
    }

    [Fact]
    public async Task InferAsync_BadIdMergedWithGoodRequests_OnlyBadRequestFails()
    {
        using var repo = new TestRepository().WithGather(declareRange: false);
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);

        var results = await Task.WhenAll(new long[][] { [1, 2], [3, 99], [4, 5] }.Select(ids =>
            inference.InferAsync("embed", null, new InferenceRequest([InferTensor.Int64("ids", ids, 1, 2)]), TestContext.Current.CancellationToken).AsTask()));

        Assert.True(results[0].IsSuccess, results[0].Error?.Message);
        Assert.Equal(ErrorCode.InvalidRequest, results[1].Error?.Code);
        AssertNoRuntimeText(results[1].Error!.Message);
        Assert.True(results[2].IsSuccess, results[2].Error?.Message);
        Assert.Equal([8f, 9f, 10f, 11f], (float[])results[2].Value!.Outputs.Single().Data);
    }

    [Fact]
    public async Task InferAsync_RuntimeShapeFailureAfterSuccess_InvalidRequestWithoutRuntimeTextAndCircuitClosed()
    {
        using var repo = new TestRepository();
        repo.WriteModel("pairs", 1, PairsModel(), """{ "maxBatchSize": 0 }""");
        await using var registry = await Registries.LoadAsync(repo.Root, o => JudgeFromSecondCall(o, 0.1, breakSeconds: 60));
        var inference = Registries.Inference(registry);
        var odd = new InferenceRequest([InferTensor.Fp32("x", new float[3], 1, 3)]);
        var even = new InferenceRequest([InferTensor.Fp32("x", [1, 2, 3, 4, 5, 6], 2, 3)]);

        var first = await inference.InferAsync("pairs", null, even, TestContext.Current.CancellationToken);
        var refused = new List<Core.Error>();
        for (int i = 0; i < 30; i++)
        {
            refused.Add((await inference.InferAsync("pairs", null, odd, TestContext.Current.CancellationToken)).Error!);
        }

        var after = await inference.InferAsync("pairs", null, even, TestContext.Current.CancellationToken);

        Assert.True(first.IsSuccess, first.Error?.Message);
        Assert.All(refused, e => Assert.Equal(ErrorCode.InvalidRequest, e?.Code));
        Assert.All(refused, e => AssertNoRuntimeText(e.Message));
        Assert.True(after.IsSuccess, after.Error?.Message);
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], (float[])after.Value!.Outputs.Single().Data);
        Assert.True(registry.GetModel("pairs")!.Versions.Single().IsReady);
    }

    [Fact]
    public async Task InferAsync_ValuesThatFailAMergedRunOnAFreshModel_OnlyThatRequestFails()
    {
        using var repo = new TestRepository();
        repo.WriteModel("regroup", 1, RegroupModel(),
            """{ "maxBatchSize": 8, "dynamicBatching": { "maxQueueDelayMicroseconds": 200000, "maxQueueSize": 16 } }""");
        await using var registry = await Registries.LoadAsync(repo.Root, o => JudgeFromSecondCall(o, 0.1));
        var inference = Registries.Inference(registry);
        // Rows regroup by the largest value of the run: 5 divides no run of up to 4 rows of 4, so any run holding the
        // first request fails; 1 and 2 divide every run without it.
        float[][] rows = [[5, 1, 1, 1], [2, 1, 2, 1], [1, 1, 1, 1], [2, 2, 2, 2]];

        var results = await Task.WhenAll(rows.Select(x =>
            inference.InferAsync("regroup", null, new InferenceRequest([InferTensor.Fp32("x", x, 1, 4)]), TestContext.Current.CancellationToken).AsTask()));

        Assert.Equal(ErrorCode.InvalidRequest, results[0].Error?.Code);
        AssertNoRuntimeText(results[0].Error!.Message);
        for (int i = 1; i < rows.Length; i++)
        {
            Assert.True(results[i].IsSuccess, $"row {i}: {results[i].Error?.Message}");
            Assert.Equal(rows[i], (float[])results[i].Value!.Outputs.Single().Data);
        }

        Assert.True(registry.GetModel("regroup")!.Versions.Single().IsReady);
    }

    // Reshape to [-1, 2] fails at run time for an odd element count, though [-1, 3] admits it.
    // The breaker judges from the second call on, so that a few calls trip it (or show that it stays closed).
    private static void JudgeFromSecondCall(ServingOptions options, double failureRatio, double? breakSeconds = null)
    {
        options.CircuitBreaker.MinimumThroughput = 2;
        options.CircuitBreaker.FailureRatio = failureRatio;
        if (breakSeconds is { } seconds)
        {
            options.CircuitBreaker.BreakDurationSeconds = seconds;
        }
    }

    private static byte[] PairsModel()
    {
        var builder = new OnnxGraphBuilder("pairs");
        builder.AddInput("x", OnnxElementType.Float, -1, 3);
        string pairs = builder.AddNode("Reshape", ["x", builder.AddInitializer("shape", OnnxTensor.FromInt64s([-1, 2], 2))]);
        builder.AddNode("Reshape", [pairs, builder.AddInitializer("back", OnnxTensor.FromInt64s([-1, 3], 2))], ["y"]);
        builder.AddOutput("y", OnnxElementType.Float, -1, 3);
        return builder.ToBytes();
    }

    // y = x reshaped to [-1, max(x)] and back to [-1, 4]: runs only when the largest value divides the element count.
    private static byte[] RegroupModel()
    {
        var builder = new OnnxGraphBuilder("regroup");
        builder.AddInput("x", OnnxElementType.Float, -1, 4);
        string max = builder.AddNode("ReduceMax", ["x"], OnnxAttribute.Int("keepdims", 0));
        string width = builder.AddNode("Cast", [max], OnnxAttribute.Int("to", (long)OnnxElementType.Int64));
        string width1 = builder.AddNode("Unsqueeze", [width, builder.AddInitializer("axis0", OnnxTensor.FromInt64s([0], 1))]);
        string shape = builder.AddNode("Concat", [builder.AddInitializer("rest", OnnxTensor.FromInt64s([-1], 1)), width1], OnnxAttribute.Int("axis", 0));
        string grouped = builder.AddNode("Reshape", ["x", shape]);
        builder.AddNode("Reshape", [grouped, builder.AddInitializer("back", OnnxTensor.FromInt64s([-1, 4], 2))], ["y"]);
        builder.AddOutput("y", OnnxElementType.Float, -1, 4);
        return builder.ToBytes();
    }

    private static void AssertNoRuntimeText(string message)
    {
        foreach (string leak in new[] { "[ErrorCode:", "onnxruntime", "Non-zero status code", "Status Message", ".cc:", ".h:" })
        {
            Assert.False(message.Contains(leak, StringComparison.Ordinal), $"'{leak}' in: {message}");
        }
    }

    [Fact]
    public async Task InferAsync_RepeatedRuntimeFailures_CircuitOpensVersionNotReady()
    {
        using var repo = new TestRepository();
        // Reshape to [-1, 2] fails at run time for an odd element count: a model failure, not an input check.
        var builder = new OnnxGraphBuilder("pairs");
        builder.AddInput("x", OnnxElementType.Float, -1, 3);
        builder.AddNode("Reshape", ["x", builder.AddInitializer("shape", OnnxTensor.FromInt64s([-1, 2], 2))], ["y"]);
        builder.AddOutput("y", OnnxElementType.Float, -1, 2);
        repo.WriteModel("pairs", 1, builder.ToBytes(), """{ "maxBatchSize": 0 }""");
        await using var registry = await Registries.LoadAsync(repo.Root, o => JudgeFromSecondCall(o, 0.5, breakSeconds: 60));
        var inference = Registries.Inference(registry);
        var odd = new InferenceRequest([InferTensor.Fp32("x", new float[3], 1, 3)]);
        var even = new InferenceRequest([InferTensor.Fp32("x", new float[6], 2, 3)]);

        var first = await inference.InferAsync("pairs", null, odd, TestContext.Current.CancellationToken);
        var second = await inference.InferAsync("pairs", null, odd, TestContext.Current.CancellationToken);
        var blocked = await inference.InferAsync("pairs", null, even, TestContext.Current.CancellationToken);

        Assert.Equal(ErrorCode.InferenceFailed, first.Error?.Code);
        Assert.Equal(ErrorCode.InferenceFailed, second.Error?.Code);
        Assert.Equal(ErrorCode.ModelNotReady, blocked.Error?.Code);
        Assert.Contains("circuit open", blocked.Error?.Message);
        var version = registry.GetModel("pairs")!.Versions.Single();
        Assert.False(version.IsReady);
        Assert.Contains("circuit open", version.Reason);
    }

    [Fact]
    public async Task InferAsync_QueueFull_Overloaded()
    {
        using var repo = new TestRepository().WithMlpNamed("mlp",
            """{ "maxBatchSize": 8, "dynamicBatching": { "maxQueueDelayMicroseconds": 500000, "maxQueueSize": 1 } }""", 1);
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);

        var waiting = inference.InferAsync("mlp", null, Registries.MlpRequest(1), TestContext.Current.CancellationToken).AsTask();
        var rejected = await inference.InferAsync("mlp", null, Registries.MlpRequest(1), TestContext.Current.CancellationToken);

        Assert.Equal(ErrorCode.Overloaded, rejected.Error?.Code);
        Assert.True((await waiting).IsSuccess);
    }

    [Fact]
    public async Task InferAsync_Timeout_TimeoutFailure()
    {
        using var repo = new TestRepository().WithMlpNamed("mlp",
            """{ "maxBatchSize": 8, "dynamicBatching": { "maxQueueDelayMicroseconds": 2000000, "maxQueueSize": 4 } }""", 1);
        await using var registry = await Registries.LoadAsync(repo.Root, o => o.RequestTimeoutMilliseconds = 100);

        var result = await Registries.Inference(registry).InferAsync("mlp", null, Registries.MlpRequest(1), TestContext.Current.CancellationToken);

        Assert.Equal(ErrorCode.Timeout, result.Error?.Code);
    }

    /// <summary>
    /// A call with a deadline of its own (a job's pass) waits past the serving timeout that fails a client's request;
    /// one whose own deadline is shorter than the wait still times out.
    /// </summary>
    [Fact]
    public async Task InferAsync_OwnTimeout_ReplacesTheServingTimeout()
    {
        using var repo = new TestRepository().WithMlpNamed("mlp",
            """{ "maxBatchSize": 8, "dynamicBatching": { "maxQueueDelayMicroseconds": 500000, "maxQueueSize": 4 } }""", 1);
        await using var registry = await Registries.LoadAsync(repo.Root, o => o.RequestTimeoutMilliseconds = 100);
        var inference = Registries.Inference(registry);
        var ct = TestContext.Current.CancellationToken;

        var client = await inference.InferAsync("mlp", null, Registries.MlpRequest(1), ct);
        var job = await inference.InferAsync("mlp", null, Registries.MlpRequest(1) with { Timeout = TimeSpan.FromSeconds(30) }, ct);
        var shortJob = await inference.InferAsync("mlp", null, Registries.MlpRequest(1) with { Timeout = TimeSpan.FromMilliseconds(50) }, ct);

        Assert.Equal(ErrorCode.Timeout, client.Error?.Code);
        Assert.True(job.IsSuccess, job.Error?.Message);
        Assert.Equal(ErrorCode.Timeout, shortJob.Error?.Code);
    }

    /// <summary>
    /// A caller that gives up while its request waits in the queue is told so (client closed), not that the model timed
    /// out: the serving timeout and the caller's token are told apart, and the cancelled request does not wait for the
    /// batch's delay to end.
    /// </summary>
    [Fact]
    public async Task InferAsync_CallerCancelsWhileQueued_ClientClosedRequestBeforeTheDelayEnds()
    {
        using var repo = new TestRepository().WithMlpNamed("mlp",
            """{ "maxBatchSize": 8, "dynamicBatching": { "maxQueueDelayMicroseconds": 5000000, "maxQueueSize": 4 } }""", 1);
        await using var registry = await Registries.LoadAsync(repo.Root);
        using var caller = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        caller.CancelAfter(TimeSpan.FromMilliseconds(50));
        long start = Stopwatch.GetTimestamp();

        var result = await Registries.Inference(registry).InferAsync("mlp", null, Registries.MlpRequest(1), caller.Token);

        Assert.Equal(ErrorCode.ClientClosedRequest, result.Error?.Code);
        Assert.True(Stopwatch.GetElapsedTime(start) < TimeSpan.FromSeconds(4), $"answered after {Stopwatch.GetElapsedTime(start)}");
    }

    [Fact]
    public async Task InferAsync_RepeatedTimeouts_CircuitStaysClosed()
    {
        // Requests time out waiting behind a slow queue, as they do behind another caller's flood: not the model's fault.
        using var repo = new TestRepository().WithMlpNamed("mlp",
            """{ "maxBatchSize": 8, "dynamicBatching": { "maxQueueDelayMicroseconds": 2000000, "maxQueueSize": 64 } }""", 1);
        await using var registry = await Registries.LoadAsync(repo.Root, o =>
        {
            o.RequestTimeoutMilliseconds = 50;
            JudgeFromSecondCall(o, 0.1);
        });
        var inference = Registries.Inference(registry);

        var codes = new List<ErrorCode?>();
        for (int i = 0; i < 6; i++)
        {
            codes.Add((await inference.InferAsync("mlp", null, Registries.MlpRequest(1), TestContext.Current.CancellationToken)).Error?.Code);
        }

        Assert.All(codes, c => Assert.Equal(ErrorCode.Timeout, c));
        Assert.True(registry.GetModel("mlp")!.Versions.Single().IsReady);
    }

    /// <summary>A repository holding "rowsum" version 1: [rows, columns] → each row's sum as [rows, 1] (-1: any width).</summary>
    /// <summary>
    /// Triton's response cache: with model.json's responseCache on, a request the version has answered before is
    /// answered from the cache without a run (execution count unchanged, counted as a cache hit and a success), a
    /// request that differs in any value, shape or requested output is run, and answers are equal either way.
    /// </summary>
    [Fact]
    public async Task InferAsync_ResponseCacheOn_RepeatedRequestAnsweredWithoutARun_AnyDifferenceRuns()
    {
        using var repo = RowSum(columns: -1, """{ "maxBatchSize": 8, "responseCache": { "enable": true } }""");
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);
        var ct = TestContext.Current.CancellationToken;
        async Task<float[]> SumAsync(float[] x, long rows, long width) =>
            (float[])(await inference.InferAsync("rowsum", null, new InferenceRequest([InferTensor.Fp32("x", x, rows, width)], ["sum"]), ct)).Value!.Outputs.Single().Data;
        ModelStatisticsSnapshot Stats() => registry.GetModel("rowsum")!.Versions.Single().Statistics!.Snapshot();

        float[] first = await SumAsync([1, 2, 3, 4], 2, 2);
        var afterFirst = Stats();
        float[] again = await SumAsync([1, 2, 3, 4], 2, 2);
        var afterAgain = Stats();
        float[] otherValue = await SumAsync([1, 2, 3, 5], 2, 2);
        float[] otherShape = await SumAsync([1, 2, 3, 4], 1, 4);

        Assert.Equal([3f, 7f], first);
        Assert.Equal(first, again);
        Assert.Equal([3f, 8f], otherValue);
        Assert.Equal([10f], otherShape);
        Assert.Equal((1L, 0L, 1L), (afterFirst.ExecutionCount, afterFirst.CacheHit.Count, afterFirst.CacheMiss.Count));
        Assert.Equal((1L, 1L, 1L, 2L, 4L), (afterAgain.ExecutionCount, afterAgain.CacheHit.Count, afterAgain.CacheMiss.Count, afterAgain.Success.Count, afterAgain.InferenceCount));
        var end = Stats();
        Assert.Equal((3L, 1L, 3L), (end.ExecutionCount, end.CacheHit.Count, end.CacheMiss.Count));
        var statistics = V2Mapping.Statistics(registry.GetModel("rowsum")!.Versions.Single());
        Assert.Equal(1, statistics.InferenceStats.CacheHit.Count);
        Assert.True(V2Mapping.Config(registry.GetModel("rowsum")!, registry.GetModel("rowsum")!.Versions.Single(), registry.GetModel("rowsum")!.Config!).ResponseCache!.Enable);
    }

    /// <summary>Without responseCache in model.json, or with the cache sized 0, every request runs.</summary>
    [Theory]
    [InlineData("""{ "maxBatchSize": 8 }""", null)]
    [InlineData("""{ "maxBatchSize": 8, "responseCache": { "enable": true } }""", 0L)]
    public async Task InferAsync_ResponseCacheOffOrSizedZero_EveryRequestRuns(string modelJson, long? cacheBytes)
    {
        using var repo = RowSum(columns: -1, modelJson);
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry, cacheBytes);

        for (int i = 0; i < 3; i++)
        {
            var result = await inference.InferAsync("rowsum", null, new InferenceRequest([InferTensor.Fp32("x", [1, 2], 1, 2)]), TestContext.Current.CancellationToken);
            Assert.Equal([3f], (float[])result.Value!.Outputs.Single().Data);
        }

        var stats = registry.GetModel("rowsum")!.Versions.Single().Statistics!.Snapshot();
        Assert.Equal((3L, 0L, 0L), (stats.ExecutionCount, stats.CacheHit.Count, stats.CacheMiss.Count));
    }

    /// <summary>The cache holds no more than its size: once full, the least recently used answers go and are run again.</summary>
    [Fact]
    public async Task InferAsync_ResponseCacheFull_OldAnswersEvictedAndRunAgain()
    {
        using var repo = RowSum(columns: -1, """{ "maxBatchSize": 8, "responseCache": { "enable": true } }""");
        await using var registry = await Registries.LoadAsync(repo.Root);
        // About thirty entries of a 64-column row (key ~340 bytes, answer 4 bytes, 256 overhead, ~600 in all).
        var inference = Registries.Inference(registry, cacheBytes: 20_000);
        var ct = TestContext.Current.CancellationToken;
        Task<Result<InferenceResponse>> Run(int seed) => inference.InferAsync(
            "rowsum", null, new InferenceRequest([InferTensor.Fp32("x", [.. Enumerable.Repeat((float)seed, 64)], 1, 64)]), ct).AsTask();

        for (int seed = 0; seed < 100; seed++)
        {
            var answer = await Run(seed);
            Assert.Equal([64f * seed], (float[])answer.Value!.Outputs.Single().Data);
            // MemoryCache compacts in the background once over its size: give it the moment it takes.
            await Task.Delay(5, ct);
        }

        long runsBefore = registry.GetModel("rowsum")!.Versions.Single().Statistics!.Snapshot().ExecutionCount;
        var first = await Run(0);
        Assert.Equal([0f], (float[])first.Value!.Outputs.Single().Data);
        var stats = registry.GetModel("rowsum")!.Versions.Single().Statistics!.Snapshot();
        Assert.Equal(runsBefore + 1, stats.ExecutionCount);
    }

    private static TestRepository RowSum(long columns, string modelJson)
    {
        var repo = new TestRepository();
        var builder = new OnnxGraphBuilder("rowsum");
        builder.AddInput("x", OnnxElementType.Float, -1, columns);
        builder.AddNode("ReduceSum", ["x", builder.AddInitializer("axes", OnnxTensor.FromInt64s([1], 1))], ["sum"], OnnxAttribute.Int("keepdims", 1));
        builder.AddOutput("sum", OnnxElementType.Float, -1, 1);
        repo.WriteModel("rowsum", 1, builder.ToBytes(), modelJson);
        return repo;
    }
}
