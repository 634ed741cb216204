namespace MaaS.Models.Tests.Ensembles;

/// <summary>
/// Triton's ensembles over real ONNX members (<see cref="EnsembleModels"/>): a call equals running the members one
/// after the other by hand, loads check the graph and fail only the ensemble, naming the step, readiness follows the
/// members, and statistics count the ensemble's requests and the members' own.
/// </summary>
public sealed class EnsembleTests
{
    private static readonly float[] Raw = [0.5f, 1f, -2f, 8f, 3f, 2f, 1f, 0f, -1f, 4.5f, 3.25f, 6f];

    [Fact]
    public async Task InferAsync_Pipeline_EqualsMembersRunOneAfterTheOther()
    {
        using var repo = new TestRepository().WithEnsembles();
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);

        var ensemble = await inference.InferAsync(EnsembleModels.Pipeline, null, new InferenceRequest([InferTensor.Fp32("raw", Raw, 3, 4)]), TestCancellation.Ct);
        var standardised = await inference.InferAsync("standardise", null, new InferenceRequest([InferTensor.Fp32("x", Raw, 3, 4)]), TestCancellation.Ct);
        var classified = await inference.InferAsync("classify", null, new InferenceRequest([standardised.Value!.Outputs[0] with { Name = "features" }]), TestCancellation.Ct);

        Assert.True(ensemble.IsSuccess, ensemble.Error?.Message);
        Assert.Equal(["probabilities", "logits"], ensemble.Value!.Outputs.Select(o => o.Name));
        AssertClose((float[])classified.Value!.Output("probs")!.Data, (float[])ensemble.Value.Output("probabilities")!.Data, 1e-6);
        AssertClose((float[])classified.Value.Output("logits")!.Data, (float[])ensemble.Value.Output("logits")!.Data, 1e-6);
        Assert.Equal([3L, 3L], ensemble.Value.Output("logits")!.Shape);
        var (logits, probabilities) = EnsembleModels.PipelineReference(Raw);
        AssertClose(logits, (float[])ensemble.Value.Output("logits")!.Data, 1e-5);
        AssertClose(probabilities, (float[])ensemble.Value.Output("probabilities")!.Data, 1e-5);
    }

    [Fact]
    public async Task InferAsync_OutputsNamed_OnlyThoseAnswered()
    {
        using var repo = new TestRepository().WithEnsembles();
        await using var registry = await Registries.LoadAsync(repo.Root);

        var result = await Registries.Inference(registry).InferAsync(
            EnsembleModels.Pipeline, null, new InferenceRequest([InferTensor.Fp32("raw", Raw, 3, 4)], ["logits"]), TestCancellation.Ct);

        Assert.True(result.IsSuccess, result.Error?.Message);
        Assert.Equal(["logits"], result.Value!.Outputs.Select(o => o.Name));
    }

    /// <summary>Two branches on one input, summed: steps listed out of order run in the order their inputs are ready.</summary>
    [Fact]
    public async Task InferAsync_TwoBranches_EqualsByHand_StatisticsCountEnsembleAndMembers()
    {
        using var repo = new TestRepository().WithEnsembles();
        await using var registry = await Registries.LoadAsync(repo.Root);
        float[] v = [1f, -2f, 0.5f, 3f, 10f, -0.25f];

        var result = await Registries.Inference(registry).InferAsync(
            EnsembleModels.Branches, null, new InferenceRequest([InferTensor.Fp32("v", v, 2, 3)]), TestCancellation.Ct);

        Assert.True(result.IsSuccess, result.Error?.Message);
        var total = Assert.Single(result.Value!.Outputs);
        Assert.Equal("total", total.Name);
        Assert.Equal([2L, 3L], total.Shape);
        AssertClose([.. v.Select(x => (x + x) + (x * x))], (float[])total.Data, 1e-6);
        foreach (string name in new[] { EnsembleModels.Branches, "double", "square", "add" })
        {
            var stats = registry.GetModel(name)!.Versions.Single().Statistics!.Snapshot();
            Assert.True(stats.InferenceCount == 2, $"{name}: inference count {stats.InferenceCount}, expected the call's 2 rows");
        }
    }

    [Fact]
    public async Task InferAsync_RowTheFirstStepRefuses_InvalidRequestNamingTheStep()
    {
        using var repo = new TestRepository().WithEnsembles();
        await using var registry = await Registries.LoadAsync(repo.Root);

        var result = await Registries.Inference(registry).InferAsync(
            EnsembleModels.Pipeline, null, new InferenceRequest([InferTensor.Fp32("raw", [1f, 2f, 3f], 1, 3)]), TestCancellation.Ct);

        Assert.False(result.IsSuccess);
        Assert.Equal(ErrorCode.InvalidRequest, result.Error.Code);
        Assert.StartsWith("ensemble 'pipeline' step 0 ('standardise'): ", result.Error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A step is the call's own request to its member (Triton's ensemble scheduler): the call's priority picks the
    /// member's priority level and its queue timeout overrides the level's where the level allows. The member is held
    /// busy by a first run, so the steps wait in its queue: level 2, the default, rejects after 100 ms; level 1 waits
    /// (up to 20 s), except for the call that sets a 20 ms timeout of its own.
    /// </summary>
    [Fact]
    public async Task InferAsync_PriorityAndQueueTimeout_ReachTheMembersQueue()
    {
        using var repo = new TestRepository();
        EnsembleModels.WriteEnsemble(repo, "held", """
            { "format": "held", "maxBatchSize": 1, "dynamicBatching": { "priorityLevels": 2, "defaultPriorityLevel": 2,
              "priorityQueuePolicy": { "1": { "timeoutAction": "REJECT", "defaultTimeoutMicroseconds": 20000000, "allowTimeoutOverride": true },
                                       "2": { "timeoutAction": "REJECT", "defaultTimeoutMicroseconds": 100000 } } } }
            """);
        EnsembleModels.WriteEnsemble(repo, "through-held", """
            { "format": "ensemble", "maxBatchSize": 1,
              "input": [ { "name": "v", "dataType": "FP32", "dims": [1] } ], "output": [ { "name": "w", "dataType": "FP32", "dims": [1] } ],
              "ensembleScheduling": { "step": [ { "modelName": "held", "inputMap": { "x": "v" }, "outputMap": { "y": "w" } } ] } }
            """);
        var loader = new HeldModelLoader();
        await using var registry = await Registries.LoadAsync(repo.Root, null, loader);
        var inference = Registries.Inference(registry);
        Task<Result<InferenceResponse>> Call(string model, float value, ulong priority = 0, ulong timeout = 0) =>
            inference.InferAsync(model, null, new InferenceRequest([InferTensor.Fp32(model == "held" ? "x" : "v", [value], 1, 1)])
            { Priority = priority, QueueTimeoutMicroseconds = timeout }, TestCancellation.Ct).AsTask();

        var occupying = Call("held", 1f, priority: 1);
        if (await Task.WhenAny(loader.Model.FirstRunStarted.Task, occupying).WaitAsync(TimeSpan.FromSeconds(20), TestCancellation.Ct) == occupying)
        {
            Assert.Fail($"the first run did not hold: {(await occupying).Error?.Message}");
        }

        var first = Call("through-held", 2f, priority: 1);
        var timedOut = Call("through-held", 3f, priority: 1, timeout: 20_000);
        var byDefault = Call("through-held", 4f);
        var rejected = await Task.WhenAll(timedOut, byDefault).WaitAsync(TimeSpan.FromSeconds(20), TestCancellation.Ct);
        loader.Model.Open();

        Assert.All(rejected, r => Assert.EndsWith("Request timeout expired", r.Error?.Message, StringComparison.Ordinal));
        Assert.Equal(ErrorCode.ModelNotReady, rejected[0].Error?.Code);
        Assert.Equal(2f, ((float[])(await occupying).Value!.Outputs[0].Data)[0]);
        var served = await first;
        Assert.True(served.IsSuccess, served.Error?.Message);
        Assert.Equal(4f, ((float[])served.Value!.Output("w")!.Data)[0]);
    }

    [Fact]
    public async Task InferAsync_InputTheEnsembleDoesNotDeclare_InvalidRequest()
    {
        using var repo = new TestRepository().WithEnsembles();
        await using var registry = await Registries.LoadAsync(repo.Root);

        var result = await Registries.Inference(registry).InferAsync(
            EnsembleModels.Pipeline, null, new InferenceRequest([InferTensor.Fp32("x", Raw, 3, 4)]), TestCancellation.Ct);

        Assert.Equal(ErrorCode.InvalidRequest, result.Error?.Code);
        Assert.Contains("'x'", result.Error?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_Ensemble_MetadataAndConfigInTritonsShape()
    {
        using var repo = new TestRepository().WithEnsembles();
        await using var registry = await Registries.LoadAsync(repo.Root);

        var model = registry.GetModel(EnsembleModels.Pipeline)!;
        var version = model.Versions.Single();
        Assert.True(model.IsReady, model.Reason);
        var metadata = V2Mapping.Metadata(model, version, null);
        Assert.Equal("ensemble", metadata.Platform);
        Assert.Equal(["raw"], metadata.Inputs.Select(i => i.Name));
        Assert.Equal([-1L, -1L], metadata.Inputs[0].Shape);
        var config = V2Mapping.Config(model, version, model.Config!);
        Assert.Equal(("ensemble", "", 8), (config.Platform, config.Backend, config.MaxBatchSize));
        Assert.Equal([3L], config.Output[0].Dims);
        var steps = config.EnsembleScheduling!.Step;
        Assert.Equal([("standardise", -1L), ("classify", 1L)], steps.Select(s => (s.ModelName, s.ModelVersion)));
        Assert.Equal("probabilities", steps[1].OutputMap["probs"]);
        string json = JsonSerializer.Serialize(config, V2JsonContext.Default.V2ModelConfigResponse);
        Assert.Contains("\"ensemble_scheduling\":{\"step\":[{\"model_name\":\"standardise\",\"model_version\":-1,\"input_map\":{\"x\":\"raw\"}", json, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "modelName": "nope", "inputMap": { "features": "standardised" }, "outputMap": { "probs": "probabilities" } }""", "step 1 ('nope'): unknown model 'nope'")]
    [InlineData("""{ "modelName": "classify", "inputMap": { "features": "nowhere" }, "outputMap": { "probs": "probabilities" } }""", "step 1 ('classify'): input 'features' reads 'nowhere', which neither an input of the ensemble nor an output of a step provides")]
    [InlineData("""{ "modelName": "classify", "inputMap": { "features": "standardised" }, "outputMap": { "logits": "probabilities" } }, { "modelName": "standardise", "inputMap": { "x": "looped" }, "outputMap": { "z": "again" } }, { "modelName": "double", "inputMap": { "x": "again" }, "outputMap": { "y": "looped" } }""", "step 2 ('standardise'), step 3 ('double'): the steps read each other's outputs in a cycle")]
    [InlineData("""{ "modelName": "classify", "inputMap": { "features": "standardised" }, "outputMap": { "probs": "probabilities", "scores": "scores" } }""", "step 1 ('classify'): outputMap names 'scores', which is not an output of 'classify' (it has 'logits', 'probs')")]
    [InlineData("""{ "modelName": "classify", "inputMap": { "features": "standardised", "extra": "raw" }, "outputMap": { "probs": "probabilities" } }""", "step 1 ('classify'): inputMap names 'extra', which is not an input of 'classify' (it takes 'features')")]
    [InlineData("""{ "modelName": "classify", "inputMap": { "extra": "standardised" }, "outputMap": { "probs": "probabilities" } }""", "step 1 ('classify'): input 'features' of 'classify' is not mapped")]
    [InlineData("""{ "modelName": "classify", "modelVersion": 7, "inputMap": { "features": "standardised" }, "outputMap": { "probs": "probabilities" } }""", "step 1 ('classify'): the version 7 of 'classify' is not loaded")]
    [InlineData("""{ "modelName": "pipeline", "inputMap": { "raw": "standardised" }, "outputMap": { "probabilities": "probabilities" } }""", "step 1 ('pipeline'): 'pipeline' is an ensemble itself")]
    public async Task Load_BrokenGraph_EnsembleNotReady_ReasonNamesTheStep_MembersStillServe(string secondStep, string reason)
    {
        using var repo = new TestRepository().WithEnsembles();
        EnsembleModels.WriteEnsemble(repo, "broken", $$"""
            {
              "format": "ensemble", "maxBatchSize": 8,
              "input": [ { "name": "raw", "dataType": "FP32", "dims": [4] } ],
              "output": [ { "name": "probabilities", "dataType": "FP32", "dims": [3] } ],
              "ensembleScheduling": { "step": [
                { "modelName": "standardise", "inputMap": { "x": "raw" }, "outputMap": { "z": "standardised" } },
                {{secondStep}}
              ] }
            }
            """);

        await using var registry = await Registries.LoadAsync(repo.Root);

        var version = registry.GetModel("broken")!.Versions.Single();
        Assert.False(version.IsReady);
        Assert.Contains(reason, version.Reason, StringComparison.Ordinal);
        Assert.True(registry.GetModel("standardise")!.IsReady);
        Assert.True(registry.GetModel(EnsembleModels.Pipeline)!.IsReady);
    }

    [Theory]
    [InlineData("INT64", "FP32", "step 0 ('standardise'): input 'x' of 'standardise' is FP32, but 'raw' is INT64")]
    [InlineData("FP32", "FP64", "step 1 ('classify'): output 'probs' is FP32, but the ensemble declares 'probabilities' FP64")]
    public async Task Load_DatatypesDisagree_EnsembleNotReady_ReasonNamesTheStep(string input, string output, string reason)
    {
        using var repo = new TestRepository().WithEnsembleMembers();
        EnsembleModels.WriteEnsemble(repo, "typed", EnsembleModels.PipelineJson
            .Replace("\"name\": \"raw\", \"dataType\": \"TYPE_FP32\"", $"\"name\": \"raw\", \"dataType\": \"{input}\"", StringComparison.Ordinal)
            .Replace("\"name\": \"probabilities\", \"dataType\": \"TYPE_FP32\"", $"\"name\": \"probabilities\", \"dataType\": \"{output}\"", StringComparison.Ordinal));

        await using var registry = await Registries.LoadAsync(repo.Root);

        var version = registry.GetModel("typed")!.Versions.Single();
        Assert.False(version.IsReady);
        Assert.Contains(reason, version.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Readiness_FollowsTheMembers_UnloadAndLoad()
    {
        using var repo = new TestRepository().WithEnsembles();
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);
        var request = new InferenceRequest([InferTensor.Fp32("raw", Raw, 3, 4)]);

        Assert.True((await registry.UnloadModelAsync("classify", TestCancellation.Ct)).IsSuccess);

        var down = registry.GetModel(EnsembleModels.Pipeline)!;
        Assert.False(down.IsReady);
        Assert.Contains("step 1 ('classify')", down.Reason, StringComparison.Ordinal);
        Assert.Equal(ModelVersionState.Unavailable, down.Versions.Single().State);
        var refused = await inference.InferAsync(EnsembleModels.Pipeline, null, request, TestCancellation.Ct);
        Assert.Equal(ErrorCode.ModelNotReady, refused.Error?.Code);
        Assert.True(registry.GetModel(EnsembleModels.Branches)!.IsReady, "an ensemble without the member stays ready");

        Assert.True((await registry.LoadModelAsync("classify", TestCancellation.Ct)).IsSuccess);

        Assert.True(registry.GetModel(EnsembleModels.Pipeline)!.IsReady);
        var served = await inference.InferAsync(EnsembleModels.Pipeline, null, request, TestCancellation.Ct);
        Assert.True(served.IsSuccess, served.Error?.Message);
    }

    /// <summary>A lease on the ensemble's call holds its members: a member reloaded meanwhile finishes the call on the old version.</summary>
    [Fact]
    public async Task InferAsync_MemberReloadedDuringCalls_EveryCallAnswers()
    {
        using var repo = new TestRepository().WithEnsembles();
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);

        var calls = Enumerable.Range(0, 40).Select(_ => Task.Run(async () =>
            await inference.InferAsync(EnsembleModels.Pipeline, null, new InferenceRequest([InferTensor.Fp32("raw", Raw, 3, 4)]), TestCancellation.Ct))).ToList();
        var reload = await registry.LoadModelAsync("standardise", TestCancellation.Ct);
        var results = await Task.WhenAll(calls);

        Assert.True(reload.IsSuccess, reload.Error?.Message);
        Assert.All(results, r => Assert.True(r.IsSuccess, r.Error?.Message));
    }

    [Fact]
    public async Task Load_LazyMember_LoadedWithTheEnsemble()
    {
        using var repo = new TestRepository().WithEnsembles();
        File.WriteAllText(Path.Combine(repo.Root, "classify", "model.json"), """{ "maxBatchSize": 8, "loadPolicy": "lazy" }""");

        await using var registry = await Registries.LoadAsync(repo.Root);

        Assert.True(registry.GetModel(EnsembleModels.Pipeline)!.IsReady, registry.GetModel(EnsembleModels.Pipeline)!.Reason);
        Assert.False(registry.GetModel("classify")!.LoadsOnFirstRequest);
    }

    /// <summary>A member missing at start fails the ensemble naming it; the poll that finds the member loads the ensemble too.</summary>
    [Fact]
    public async Task PollAsync_MissingMemberAppears_EnsembleLoads()
    {
        using var repo = new TestRepository().WithEnsembles();
        string classify = Path.Combine(repo.Root, "classify");
        string aside = Path.Combine(Path.GetTempPath(), $"maas-classify-{Guid.NewGuid():N}");
        Directory.Move(classify, aside);
        await using var registry = await Registries.LoadAsync(repo.Root);
        Assert.Contains("step 1 ('classify'): unknown model 'classify'", registry.GetModel(EnsembleModels.Pipeline)!.Versions.Single().Reason, StringComparison.Ordinal);

        Directory.Move(aside, classify);
        await registry.PollAsync(TestCancellation.Ct);

        // Before, only an explicit load or a change of the ensemble's own files retried it.
        var pipeline = registry.GetModel(EnsembleModels.Pipeline)!;
        Assert.True(pipeline.IsReady, pipeline.Reason);
        var served = await Registries.Inference(registry).InferAsync(
            EnsembleModels.Pipeline, null, new InferenceRequest([InferTensor.Fp32("raw", Raw, 3, 4)]), TestCancellation.Ct);
        Assert.True(served.IsSuccess, served.Error?.Message);
    }

    /// <summary>
    /// A member reloaded with another signature: the ensemble checks its graph again and reads unavailable with the step
    /// named (not a step error on each call); the member back as it was brings the ensemble back.
    /// </summary>
    [Fact]
    public async Task LoadModelAsync_MemberReloadedWithAnotherSignature_EnsembleUnavailableNamingTheStep_BackWhenItFits()
    {
        using var repo = new TestRepository().WithEnsembles();
        string onnx = Path.Combine(repo.Root, "classify", "1", "model.onnx");
        byte[] fitting = File.ReadAllBytes(onnx);
        await using var registry = await Registries.LoadAsync(repo.Root);
        var inference = Registries.Inference(registry);
        var request = new InferenceRequest([InferTensor.Fp32("raw", Raw, 3, 4)]);

        // Takes "x" where the ensemble maps "features".
        var renamed = new OnnxGraphBuilder("classify");
        renamed.AddInput("x", OnnxElementType.Float, -1, 4);
        renamed.AddNode("Identity", ["x"], ["logits"]);
        renamed.AddNode("Identity", ["x"], ["probs"]);
        renamed.AddOutput("logits", OnnxElementType.Float, -1, 4);
        renamed.AddOutput("probs", OnnxElementType.Float, -1, 4);
        File.WriteAllBytes(onnx, renamed.ToBytes());
        Assert.True((await registry.LoadModelAsync("classify", TestCancellation.Ct)).IsSuccess);

        var down = registry.GetModel(EnsembleModels.Pipeline)!;
        Assert.False(down.IsReady);
        Assert.Contains("step 1 ('classify'): inputMap names 'features', which is not an input of 'classify'", down.Versions.Single().Reason, StringComparison.Ordinal);
        Assert.Equal(ModelVersionState.Unavailable, down.Versions.Single().State);
        Assert.Equal(ErrorCode.ModelNotReady, (await inference.InferAsync(EnsembleModels.Pipeline, null, request, TestCancellation.Ct)).Error?.Code);
        Assert.True(registry.GetModel(EnsembleModels.Branches)!.IsReady, "an ensemble without the member stays ready");

        File.WriteAllBytes(onnx, fitting);
        Assert.True((await registry.LoadModelAsync("classify", TestCancellation.Ct)).IsSuccess);

        Assert.True(registry.GetModel(EnsembleModels.Pipeline)!.IsReady, registry.GetModel(EnsembleModels.Pipeline)!.Reason);
        var served = await inference.InferAsync(EnsembleModels.Pipeline, null, request, TestCancellation.Ct);
        Assert.True(served.IsSuccess, served.Error?.Message);
    }

    /// <summary>The bundled example (models/example-pipeline): example-scaler feeding example-mlp equals the MLP on (x − 0.5) × 2.</summary>
    [Fact]
    public async Task InferAsync_BundledExamplePipeline_EqualsTheMlpOnScaledFeatures()
    {
        using var repo = new TestRepository().WithExampleMlp();
        ExamplePipeline.WriteTo(repo.Root);
        await using var registry = await Registries.LoadAsync(repo.Root);
        float[] raw = [.. Enumerable.Range(0, 2 * 8).Select(i => (i % 8) / 8f)];

        var result = await Registries.Inference(registry).InferAsync(
            ExamplePipeline.Name, null, new InferenceRequest([InferTensor.Fp32("raw", raw, 2, 8)], ["probabilities"]), TestCancellation.Ct);

        Assert.True(result.IsSuccess, result.Error?.Message);
        var (_, expected) = ExampleMlp.Reference([.. raw.Select(x => (x - 0.5f) * 2f)], 2);
        AssertClose(expected, (float[])result.Value!.Outputs.Single().Data, 1e-5);
    }

    /// <summary>Loads format <c>held</c>: one <see cref="HeldModel"/>, whatever the folder.</summary>
    private sealed class HeldModelLoader : IModelLoader
    {
        public HeldModel Model { get; } = new();

        public string Format => "held";

        public ValueTask<ILoadedModel> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken) => ValueTask.FromResult<ILoadedModel>(Model);
    }

    /// <summary>Doubles x into y; its first run holds until <see cref="Open"/>, so the member is busy while calls queue.</summary>
    private sealed class HeldModel : ITensorModel
    {
        private readonly ManualResetEventSlim _gate = new();
        private int _runs;

        public TaskCompletionSource FirstRunStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Platform => "test";

        public IReadOnlyDictionary<string, string> Properties { get; } = new Dictionary<string, string>();

        public ModelSignature Signature { get; } = new(
            [new TensorSpec("x", TensorDataType.Fp32, [-1, 1])], [new TensorSpec("y", TensorDataType.Fp32, [-1, 1])], new Dictionary<string, ValueRange>());

        public void Open() => _gate.Set();

        public IReadOnlyList<InferTensor> Run(IReadOnlyList<InferTensor> inputs, IReadOnlyList<string> outputNames, out RunTimings timings)
        {
            if (Interlocked.Increment(ref _runs) == 1)
            {
                FirstRunStarted.TrySetResult();
                Assert.True(_gate.Wait(TimeSpan.FromSeconds(20)), "the test never let the first run end");
            }

            var x = (float[])inputs[0].Data;
            timings = default;
            return [InferTensor.Fp32("y", [.. x.Select(v => 2 * v)], x.Length, 1)];
        }

        public void Dispose() => _gate.Dispose();
    }

    private static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
        }
    }
}
