namespace MaaS.Models.Tests.Inference;

/// <summary>
/// Triton's sequence batcher with implicit state over real ONNX sessions (<see cref="SequenceModels"/>): interleaved
/// sequences each equal the graph run by hand with the state threaded, START resets, END and the idle timeout free,
/// control inputs carry the configured values, the live-sequence bound refuses only new sequences, and a model whose
/// graph lacks what the configuration names fails alone.
/// </summary>
public sealed class SequenceBatcherTests
{
    private static InferenceRequest Item(float[] item, ulong id, bool start = false, bool end = false) =>
        new([InferTensor.Fp32("item", item, 1, ExampleSession.Features)]) { Sequence = new SequenceControl(new SequenceId(id), start, end) };

    private static InferenceRequest Add(float x, SequenceId id, bool start = false, bool end = false) =>
        new([InferTensor.Fp32("x", [x], 1, 1)]) { Sequence = new SequenceControl(id, start, end) };

    private static float[] RandomItem(Random rng) => [.. Enumerable.Range(0, ExampleSession.Features).Select(_ => (float)rng.NextDouble())];

    [Fact]
    public async Task InferAsync_32SequencesOf20Interleaved_EachEqualsTheGraphWithItsStateThreaded()
    {
        using var repo = new TestRepository().WithExampleSession();
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);
        const int Sequences = 32, Steps = 20;
        var rng = new Random(32);
        var items = Enumerable.Range(0, Sequences).Select(_ => Enumerable.Range(0, Steps).Select(_ => RandomItem(rng)).ToArray()).ToArray();

        // Every sequence's requests are sent before any answer is read, one step of every sequence after another: the
        // sequence batcher orders each sequence and batches the sequences together.
        var calls = new Task<Result<InferenceResponse>>[Sequences, Steps];
        for (int step = 0; step < Steps; step++)
        {
            for (int s = 0; s < Sequences; s++)
            {
                calls[s, step] = inference.InferAsync(ExampleSession.Name, null,
                    Item(items[s][step], 1000 + (ulong)s, start: step == 0, end: step == Steps - 1), TestCancellation.Ct).AsTask();
            }
        }

        for (int s = 0; s < Sequences; s++)
        {
            float[]? taste = null;
            for (int step = 0; step < Steps; step++)
            {
                var result = await calls[s, step];
                Assert.True(result.IsSuccess, $"sequence {s} step {step}: {result.Error?.Message}");
                var (expectedTaste, expectedScores) = ExampleSession.Step(taste, items[s][step]);
                AssertClose(expectedTaste, (float[])result.Value!.Output("taste")!.Data, $"sequence {s} step {step} taste");
                AssertClose(expectedScores, (float[])result.Value.Output("scores")!.Data, $"sequence {s} step {step} scores");
                Assert.Null(result.Value.Output("taste_out"));
                taste = expectedTaste;
            }
        }

        Assert.Equal(0, (await BatcherAsync(registry, ExampleSession.Name)).LiveSequences);
        var stats = registry.GetModel(ExampleSession.Name)!.Versions.Single().Statistics!.Snapshot();
        Assert.Equal(Sequences * Steps, stats.InferenceCount);
        Assert.True(stats.ExecutionCount < Sequences * Steps, $"{stats.ExecutionCount} runs for {Sequences * Steps} requests: sequences were never batched together");
    }

    [Fact]
    public async Task InferAsync_StartOnALiveSequence_StateStartsAgainFromZeros()
    {
        using var repo = new TestRepository().WithCounter();
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);
        var id = new SequenceId(0, "listener-7");

        float[] sums = new float[4];
        var steps = new[] { Add(1, id, start: true), Add(2, id), Add(5, id, start: true), Add(3, id) };
        for (int i = 0; i < steps.Length; i++)
        {
            var result = await inference.InferAsync(SequenceModels.Counter, null, steps[i], TestCancellation.Ct);
            Assert.True(result.IsSuccess, result.Error?.Message);
            sums[i] = ((float[])result.Value!.Output("acc")!.Data)[0];
        }

        Assert.Equal([1f, 3f, 5f, 8f], sums);
    }

    [Fact]
    public async Task InferAsync_ControlInputs_CarryTheConfiguredValues()
    {
        using var repo = new TestRepository().WithCounter();
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);
        var id = new SequenceId(77);

        var seen = new List<(int Start, int End, int Ready, long Corrid)>();
        foreach (var request in new[] { Add(1, id, start: true), Add(1, id), Add(1, id, end: true), Add(1, new SequenceId(5), start: true, end: true) })
        {
            var result = await inference.InferAsync(SequenceModels.Counter, null, request, TestCancellation.Ct);
            Assert.True(result.IsSuccess, result.Error?.Message);
            int Int(string name) => ((int[])result.Value!.Output(name)!.Data)[0];
            seen.Add((Int("start_seen"), Int("end_seen"), Int("ready_seen"), ((long[])result.Value!.Output("corrid_seen")!.Data)[0]));
        }

        Assert.Equal([(1, 10, 1, 77L), (0, 10, 1, 77L), (0, 20, 1, 77L), (1, 20, 1, 5L)], seen);
    }

    [Fact]
    public async Task InferAsync_AfterEnd_NextRequestWithoutStartIsRefusedAsTritonDoes()
    {
        using var repo = new TestRepository().WithCounter();
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);
        var batcher = await BatcherAsync(registry, SequenceModels.Counter);
        var id = new SequenceId(9);

        Assert.True((await inference.InferAsync(SequenceModels.Counter, null, Add(1, id, start: true), TestCancellation.Ct)).IsSuccess);
        Assert.Equal(1, batcher.LiveSequences);
        Assert.True((await inference.InferAsync(SequenceModels.Counter, null, Add(1, id, end: true), TestCancellation.Ct)).IsSuccess);
        Assert.Equal(0, batcher.LiveSequences);
        var after = await inference.InferAsync(SequenceModels.Counter, null, Add(1, id), TestCancellation.Ct);

        Assert.Equal(ErrorCode.InvalidRequest, after.Error?.Code);
        Assert.Equal("inference request for sequence 9 to model 'counter' must specify the START flag on the first request of the sequence", after.Error!.Message);
    }

    [Fact]
    public async Task InferAsync_IdleLongerThanTheTimeout_SequenceIsFreed()
    {
        using var repo = new TestRepository().WithCounter(SequenceModels.CounterJson(idleMicroseconds: 100_000));
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);
        var batcher = await BatcherAsync(registry, SequenceModels.Counter);

        Assert.True((await inference.InferAsync(SequenceModels.Counter, null, Add(1, new SequenceId(3), start: true), TestCancellation.Ct)).IsSuccess);
        Assert.True((await inference.InferAsync(SequenceModels.Counter, null, Add(1, new SequenceId(3)), TestCancellation.Ct)).IsSuccess);
        var freed = System.Diagnostics.Stopwatch.StartNew();
        while (batcher.LiveSequences > 0 && freed.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(20, TestCancellation.Ct);
        }

        Assert.Equal(0, batcher.LiveSequences);
        Assert.True(freed.Elapsed >= TimeSpan.FromMilliseconds(80), $"freed after {freed.Elapsed.TotalMilliseconds} ms, before the 100 ms idle timeout");
        var after = await inference.InferAsync(SequenceModels.Counter, null, Add(1, new SequenceId(3)), TestCancellation.Ct);
        Assert.Equal(ErrorCode.InvalidRequest, after.Error?.Code);
        Assert.Contains("must specify the START flag", after.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InferAsync_LiveSequenceBound_RefusesANewSequenceAndKeepsTheLiveOnes()
    {
        using var repo = new TestRepository().WithCounter(SequenceModels.CounterJson(maxSequences: 2));
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);
        async Task<Result<InferenceResponse>> Call(InferenceRequest request) => await inference.InferAsync(SequenceModels.Counter, null, request, TestCancellation.Ct);

        Assert.True((await Call(Add(1, new SequenceId(1), start: true))).IsSuccess);
        Assert.True((await Call(Add(10, new SequenceId(2), start: true))).IsSuccess);
        var third = await Call(Add(100, new SequenceId(3), start: true));
        Assert.Equal(ErrorCode.Overloaded, third.Error?.Code);
        Assert.Equal("the sequence slots of model 'counter' are full (2 live sequences); retry once one ends", third.Error!.Message);

        var first = await Call(Add(1, new SequenceId(1), end: true));
        var second = await Call(Add(10, new SequenceId(2)));
        Assert.Equal(2f, ((float[])first.Value!.Output("acc")!.Data)[0]);
        Assert.Equal(20f, ((float[])second.Value!.Output("acc")!.Data)[0]);
        Assert.True((await Call(Add(100, new SequenceId(3), start: true))).IsSuccess, "a slot is free once sequence 1 ended");
    }

    [Fact]
    public async Task InferAsync_NoOrZeroCorrelationId_RefusedAsTritonDoes()
    {
        using var repo = new TestRepository().WithCounter();
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);

        foreach (var request in new[] { new InferenceRequest([InferTensor.Fp32("x", [1f], 1, 1)]), Add(1, new SequenceId(0), start: true), Add(1, new SequenceId(0, ""), start: true) })
        {
            var result = await inference.InferAsync(SequenceModels.Counter, null, request, TestCancellation.Ct);
            Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
            Assert.Equal("inference request to model 'counter' must specify a non-zero or non-empty correlation ID", result.Error!.Message);
        }
    }

    [Fact]
    public async Task InferAsync_ClientSendsTheStateOrAControl_RefusedAsAnUnexpectedInput()
    {
        using var repo = new TestRepository().WithCounter();
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);

        foreach (string name in new[] { "acc_in", "START" })
        {
            var request = new InferenceRequest([InferTensor.Fp32("x", [1f], 1, 1), InferTensor.Fp32(name, [1f], 1, 1)]) { Sequence = new SequenceControl(new SequenceId(4), true, false) };
            var result = await inference.InferAsync(SequenceModels.Counter, null, request, TestCancellation.Ct);
            Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
            Assert.StartsWith($"unexpected inference input '{name}' for model 'counter'", result.Error!.Message, StringComparison.Ordinal);
        }

        var two = new InferenceRequest([InferTensor.Fp32("x", [1f, 2f], 2, 1)]) { Sequence = new SequenceControl(new SequenceId(4), true, false) };
        var batch = await inference.InferAsync(SequenceModels.Counter, null, two, TestCancellation.Ct);
        Assert.Equal("inference request to model 'counter' must specify batch-size 1 due to requirements of sequence batcher", batch.Error?.Message);
        var metadata = registry.GetModel(SequenceModels.Counter)!.Versions.Single().Signature!;
        Assert.Equal(["x"], metadata.Inputs.Select(i => i.Name));
        Assert.Equal(["acc", "start_seen", "end_seen", "ready_seen", "corrid_seen"], metadata.Outputs.Select(o => o.Name));
    }

    [Theory]
    [InlineData("\"inputName\": \"acc_in\", \"outputName\": \"missing\"", "sequenceBatching.state[0].outputName 'missing' is not an output of the model")]
    [InlineData("\"inputName\": \"nope\", \"outputName\": \"acc_out\"", "sequenceBatching.state[0].inputName 'nope' is not an input of the model")]
    public async Task Load_StateTheGraphLacks_FailsOnlyThatModel(string names, string expected)
    {
        string json = SequenceModels.CounterJson().Replace("\"inputName\": \"acc_in\", \"outputName\": \"acc_out\"", names, StringComparison.Ordinal);
        using var repo = new TestRepository().WithCounter(json).WithExampleSession();
        await using var registry = await Registries.LoadAsync(repo.Root);

        var version = registry.GetModel(SequenceModels.Counter)!.Versions.Single();
        Assert.Equal(ModelVersionState.Unavailable, version.State);
        Assert.Contains(expected, version.Reason, StringComparison.Ordinal);
        Assert.Equal(ModelVersionState.Ready, registry.GetModel(ExampleSession.Name)!.Versions.Single().State);
    }

    [Fact]
    public async Task Load_ControlOfTheWrongType_FailsNamingIt()
    {
        string json = SequenceModels.CounterJson().Replace("\"int32FalseTrue\": [10, 20]", "\"fp32FalseTrue\": [0, 1]", StringComparison.Ordinal);
        using var repo = new TestRepository().WithCounter(json);
        await using var registry = await Registries.LoadAsync(repo.Root);

        var version = registry.GetModel(SequenceModels.Counter)!.Versions.Single();
        Assert.Equal(ModelVersionState.Unavailable, version.State);
        Assert.Contains("sequenceBatching.controlInput[1]: the model's 'END' is INT32 [-1,1], not the control's FP32 [1,1]", version.Reason, StringComparison.Ordinal);
    }

    private static async Task<SequenceBatcher> BatcherAsync(ModelRegistry registry, string model)
    {
        using var lease = (await registry.AcquireAsync(model, null, TestCancellation.Ct)).Value!;
        return (SequenceBatcher)lease.Runtime.Executor!;
    }

    private static void AssertClose(float[] expected, float[] actual, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-6, $"{what}[{i}]: {actual[i]}, expected {expected[i]}");
        }
    }
}
