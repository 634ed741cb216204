using System.Collections.Concurrent;

namespace MaaS.Models.Tests.Inference;

/// <summary>
/// Model instances of the dynamic batcher (model.json's <c>instances</c>), on a model whose runs block until the test
/// lets them end, so that what runs at once is seen, not timed.
/// </summary>
public sealed partial class DynamicBatcherTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task ExecuteAsync_TwoInstances_SecondBatchRunsWhileTheFirstRuns()
    {
        using var model = new GatedModel();
        await using var batcher = Batcher(model, instances: 2);

        var first = await RunningAsync(batcher, model, 1f);
        var second = await RunningAsync(batcher, model, 2f);
        model.Open();

        Assert.Equal(2f, Output(await first));
        Assert.Equal(4f, Output(await second));
        Assert.Equal(2, model.MostAtOnce);
    }

    [Fact]
    public async Task ExecuteAsync_OneInstance_NextBatchWaitsForTheRunAndMergesWhatCameMeanwhile()
    {
        using var model = new GatedModel();
        await using var batcher = Batcher(model, instances: 1);

        var first = await RunningAsync(batcher, model, 1f);
        var waiting = new[] { Execute(batcher, 2f), Execute(batcher, 3f), Execute(batcher, 4f) };
        await Task.Delay(200, TestContext.Current.CancellationToken);
        int startedWhileBusy = model.Starts;
        model.Open();

        Assert.Equal(1, startedWhileBusy);
        Assert.Equal(2f, Output(await first));
        for (int i = 0; i < waiting.Length; i++)
        {
            Assert.Equal(2f * (i + 2), Output(await waiting[i]));
        }

        Assert.Equal(1, model.MostAtOnce);
        Assert.Equal([1, 3], model.Rows);
    }

    /// <summary>
    /// With every instance busy, requests wait in the queue (counted against its size: one more is refused) and the next
    /// free instance takes them as one batch, each caller getting its own rows back.
    /// </summary>
    [Fact]
    public async Task ExecuteAsync_AllInstancesBusy_WaitersCountAgainstTheQueueAndMergeIntoTheNextBatch()
    {
        using var model = new GatedModel();
        await using var batcher = Batcher(model, instances: 2, queue: 3);

        var running = await OccupyBothInstancesAsync(batcher, model);
        var waiting = new[] { Execute(batcher, 3f), Execute(batcher, 4f), Execute(batcher, 5f) };
        var refused = await Execute(batcher, 6f);
        await Task.Delay(200, TestContext.Current.CancellationToken);
        int startedWhileBusy = model.Starts;
        int pendingWhileBusy = batcher.Pending;
        model.Open();

        Assert.Equal(ErrorCode.Overloaded, refused.Error?.Code);
        Assert.Equal(2, startedWhileBusy);
        Assert.Equal(3, pendingWhileBusy);
        Assert.Equal(2f, Output(await running[0]));
        Assert.Equal(4f, Output(await running[1]));
        for (int i = 0; i < waiting.Length; i++)
        {
            Assert.Equal(2f * (i + 3), Output(await waiting[i]));
        }

        Assert.Equal(3, model.Rows.Max());
        Assert.Equal(0, batcher.Pending);
    }

    [Fact]
    public async Task ExecuteAsync_CancelledWhileInstancesBusy_CancelledAtOnceAndNeverRun()
    {
        using var model = new GatedModel();
        await using var batcher = Batcher(model, instances: 2);
        var running = await OccupyBothInstancesAsync(batcher, model);
        using var caller = new CancellationTokenSource();

        var cancelled = batcher.ExecuteAsync(Request(3f), caller.Token, CancellationToken.None).AsTask();
        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled.WaitAsync(Patience, TestContext.Current.CancellationToken));
        model.Open();
        await Task.WhenAll(running);
        Assert.Equal(2, model.Starts);
        Assert.Equal(0, batcher.Pending);
    }

    [Fact]
    public async Task DisposeAsync_TwoRunsInFlight_ReturnsOnlyAfterBothEnd()
    {
        using var model = new GatedModel();
        var batcher = Batcher(model, instances: 2);
        var running = await OccupyBothInstancesAsync(batcher, model);

        var disposed = batcher.DisposeAsync().AsTask();
        await Task.Delay(200, TestContext.Current.CancellationToken);
        bool endedEarly = disposed.IsCompleted;
        model.Open();
        await disposed.WaitAsync(Patience, TestContext.Current.CancellationToken);

        Assert.False(endedEarly, "the batcher was disposed while its runs were still going");
        Assert.All(await Task.WhenAll(running), r => Assert.True(r.IsSuccess, r.Error?.Message));
        Assert.Equal(0, model.Running);
    }

    /// <summary>A batcher of up to 8 rows a run and no delay over <paramref name="model"/>, with <paramref name="queue"/> places.</summary>
    private static DynamicBatcher Batcher(GatedModel model, int instances, int queue = 16) => new(model, 8, TimeSpan.Zero, queue, Ignore, instances);

    /// <summary>Sends one request per instance (two keys, so they are not merged) and waits until both runs hold their instance.</summary>
    private static async Task<Task<Result<ExecutionResult>>[]> OccupyBothInstancesAsync(DynamicBatcher batcher, GatedModel model) =>
        [await RunningAsync(batcher, model, 1f), await RunningAsync(batcher, model, 2f, key: "other")];

    /// <summary>Sends a request and waits until the model runs it (the run then holds an instance until the gate opens).</summary>
    private static async Task<Task<Result<ExecutionResult>>> RunningAsync(DynamicBatcher batcher, GatedModel model, float value, string key = "x")
    {
        int started = model.Starts;
        var running = Execute(batcher, value, key);
        await model.WaitForStartsAsync(started + 1);
        return running;
    }

    private static void Ignore(int batchSize, in RunTimings timings)
    {
    }

    private static ValidatedRequest Request(float value, string key = "x") =>
        new([InferTensor.Fp32(GatedModel.Input, [value], 1, 1)], [GatedModel.Output], 1, key);

    private static Task<Result<ExecutionResult>> Execute(DynamicBatcher batcher, float value, string key = "x") =>
        batcher.ExecuteAsync(Request(value, key), TestContext.Current.CancellationToken, CancellationToken.None).AsTask()
            .WaitAsync(Patience, TestContext.Current.CancellationToken);

    private static float Output(Result<ExecutionResult> result)
    {
        Assert.True(result.IsSuccess, result.Error?.Message);
        return Assert.Single((float[])result.Value.Outputs[0].Data);
    }

    /// <summary>Doubles its input; each run blocks until <see cref="Open"/>, counting the runs going at once.</summary>
    private sealed class GatedModel : ITensorModel
    {
        public const string Input = "x";
        public const string Output = "y";

        private readonly ManualResetEventSlim _gate = new();
        private readonly SemaphoreSlim _started = new(0);
        private readonly ConcurrentQueue<int> _rows = new();
        private readonly ConcurrentQueue<float[]> _inputs = new();
        private int _running;
        private int _mostAtOnce;
        private int _starts;

        public string Platform => "test";

        public IReadOnlyDictionary<string, string> Properties { get; } = new Dictionary<string, string>();

        public ModelSignature Signature { get; } = new(
            [new TensorSpec(Input, TensorDataType.Fp32, [-1, 1])],
            [new TensorSpec(Output, TensorDataType.Fp32, [-1, 1])],
            new Dictionary<string, ValueRange>());

        public int Running => Volatile.Read(ref _running);

        public int MostAtOnce => Volatile.Read(ref _mostAtOnce);

        public int Starts => Volatile.Read(ref _starts);

        /// <summary>Rows of each run, in the order the runs started.</summary>
        public int[] Rows => [.. _rows];

        /// <summary>The input values of each run, in the order the runs started.</summary>
        public float[] Served => [.. _inputs.SelectMany(x => x)];

        public void Open() => _gate.Set();

        /// <summary>Waits until <paramref name="total"/> runs have started since the model was made.</summary>
        public async Task WaitForStartsAsync(int total)
        {
            while (Starts < total)
            {
                Assert.True(await _started.WaitAsync(Patience, TestContext.Current.CancellationToken), $"{Starts} of {total} runs started");
            }
        }

        public IReadOnlyList<InferTensor> Run(IReadOnlyList<InferTensor> inputs, IReadOnlyList<string> outputNames, out RunTimings timings)
        {
            int now = Interlocked.Increment(ref _running);
            int most;
            while (now > (most = Volatile.Read(ref _mostAtOnce)) && Interlocked.CompareExchange(ref _mostAtOnce, now, most) != most)
            {
            }

            var x = (float[])inputs[0].Data;
            _rows.Enqueue(x.Length);
            _inputs.Enqueue(x);
            Interlocked.Increment(ref _starts);
            _started.Release();
            try
            {
                Assert.True(_gate.Wait(Patience), "the test never let the run end");
                timings = default;
                return [InferTensor.Fp32(Output, [.. x.Select(v => 2 * v)], x.Length, 1)];
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }
        }

        public void Dispose()
        {
            _gate.Dispose();
            _started.Dispose();
        }
    }
}
