using Polly;
using Polly.CircuitBreaker;

namespace MaaS.Models.Registry;

/// <summary>
/// The runtime state of one loaded version: the loaded model, its executor (batcher or direct), circuit breaker and
/// statistics. Reference-counted: the registry holds one reference while the version is published, each lease one
/// more; the last release disposes the executor and then the model, so in-flight requests finish on a retired version.
/// Made by <see cref="Create"/>, which wires the executor and the resilience pipeline.
/// </summary>
internal sealed class ModelVersionRuntime(string name, long version, ILoadedModel model, ModelConfig config, JsonElement? card, TimeProvider time)
{
    private static long s_loads;
    private int _references = 1;
    private long _openUntilTicks;

    /// <summary>This load's own number in the process: a version loaded again is another load, whose answers the response cache keeps apart.</summary>
    public long LoadId { get; } = Interlocked.Increment(ref s_loads);

    public string Name { get; } = name;

    public long Version { get; } = version;

    public ILoadedModel Model { get; } = model;

    public ITensorModel? TensorModel => Model as ITensorModel;

    /// <summary>
    /// The inputs and outputs a tensor model or an ensemble declares, as clients see them (a sequence model's without the
    /// control and state tensors the server supplies); null for other models.
    /// </summary>
    public ModelSignature? Signature => (Executor as SequenceBatcher)?.Signature ?? TensorModel?.Signature ?? (Model as Ensembles.EnsembleModel)?.Signature;

    public ModelConfig Config { get; } = config;

    public JsonElement? Card { get; } = card;

    public DateTimeOffset LoadedAt { get; } = time.GetUtcNow();

    public ModelStatistics Statistics { get; } = new();

    public InferenceExecutor? Executor { get; private set; }

    /// <summary>The circuit breaker the version's runs go through.</summary>
    public ResiliencePipeline<Result<ExecutionResult>>? Pipeline { get; private set; }

    /// <summary>
    /// The serving timeout (<see cref="ServingOptions.RequestTimeoutMilliseconds"/>) of a call without one of its own,
    /// shared by the calls that start together; it ends a call's wait in the queue, never a run.
    /// </summary>
    public SharedTimeout? Timeout { get; private set; }

    /// <summary>The time the version's timeouts and breaker run on.</summary>
    public TimeProvider Time { get; } = time;

    /// <summary>True unless the circuit breaker is open (too many recent failures).</summary>
    public bool IsHealthy => Time.GetUtcNow().UtcTicks >= Interlocked.Read(ref _openUntilTicks);

    /// <summary>Whether requests are merged by a dynamic batcher.</summary>
    public bool IsBatching => Executor is DynamicBatcher;

    /// <summary>Whether Triton's sequence batcher serves it (model.json's <c>sequenceBatching</c>).</summary>
    public bool IsSequenceBatching => Executor is SequenceBatcher;

    public static ModelVersionRuntime Create(
        string name, long version, ILoadedModel model, ModelConfig config, JsonElement? card,
        ServingOptions options, ModelMetrics metrics, TimeProvider time)
    {
        var runtime = new ModelVersionRuntime(name, version, model, config, card, time);
        if (model is ITensorModel tensor)
        {
            ExecutionObserver observer = (int batchSize, in RunTimings timings) =>
            {
                runtime.Statistics.RecordExecution(batchSize, timings);
                metrics.RecordExecution(name, version, batchSize, timings);
            };
            var batching = config.DynamicBatching;
            bool batches = options.DynamicBatching && batching.Enabled && config.MaxBatchSize > 0;
            if (config.SequenceBatching is { } sequences)
            {
                // The sequence batcher feeds one request per sequence at a time to a batcher of its own strategy's delay,
                // without priority levels, so that requests of different sequences share runs.
                InferenceExecutor inner = batches
                    ? new DynamicBatcher(tensor, config.MaxBatchSize, TimeSpan.FromMicroseconds(sequences.QueueDelayMicroseconds), batching.MaxQueueSize, observer, config.Instances ?? 1)
                    : new DirectExecutor(tensor, batching.MaxQueueSize, observer);
                try
                {
                    runtime.Executor = new SequenceBatcher(name, tensor.Signature, config, inner, time);
                }
                catch
                {
                    inner.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    throw;
                }
            }
            else
            {
                runtime.Executor = batches
                    ? new DynamicBatcher(tensor, config.MaxBatchSize, TimeSpan.FromMicroseconds(batching.MaxQueueDelayMicroseconds), batching.MaxQueueSize, observer, config.Instances ?? 1, batching)
                    : new DirectExecutor(tensor, batching.MaxQueueSize, observer);
            }

            runtime.Pipeline = runtime.BuildPipeline(options);
            runtime.Timeout = new SharedTimeout(TimeSpan.FromMilliseconds(options.RequestTimeoutMilliseconds), time);
        }

        return runtime;
    }

    /// <summary>Takes a reference; false once the runtime is retired and released by everyone.</summary>
    public bool TryAddReference()
    {
        int current = Volatile.Read(ref _references);
        while (current > 0)
        {
            int seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return true;
            }

            current = seen;
        }

        return false;
    }

    /// <summary>Drops a reference; the last one disposes the executor, then the model (in the background).</summary>
    public void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _ = DisposeAsync();
        }
    }

    private async Task DisposeAsync()
    {
        try
        {
            if (Executor is not null)
            {
                await Executor.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            Model.Dispose();
        }
    }

    // No timeout strategy: the one thing a timeout can end is a call's wait in the batcher's queue (a synchronous ONNX
    // Runtime run cannot be stopped), and the executor takes the deadline for that as a token (ModelInference), which
    // costs less than the strategy's timer, linked source and async frames per call.
    private ResiliencePipeline<Result<ExecutionResult>> BuildPipeline(ServingOptions options)
    {
        var breaker = options.CircuitBreaker;
        return new ResiliencePipelineBuilder<Result<ExecutionResult>> { TimeProvider = Time }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<Result<ExecutionResult>>
            {
                FailureRatio = breaker.FailureRatio,
                MinimumThroughput = breaker.MinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(breaker.SamplingDurationSeconds),
                BreakDuration = TimeSpan.FromSeconds(breaker.BreakDurationSeconds),
                // Only the model's own failures count. Bad input, overload and client cancellation do not, and neither do
                // timeouts: a timed-out request mostly waited behind other callers' work, so counting it would let one
                // tenant's flood (or its huge inputs) open the breaker for every tenant of a shared model.
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is null && args.Outcome.Result.Error?.Code == ErrorCode.InferenceFailed),
                OnOpened = args =>
                {
                    Interlocked.Exchange(ref _openUntilTicks, (Time.GetUtcNow() + args.BreakDuration).UtcTicks);
                    return default;
                },
                OnClosed = _ =>
                {
                    Interlocked.Exchange(ref _openUntilTicks, 0);
                    return default;
                },
            })
            .Build();
    }
}
