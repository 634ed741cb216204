using MaaS.Models.Ensembles;
using MaaS.Models.Tracing;
using Polly;
using Polly.CircuitBreaker;

namespace MaaS.Models.Inference;

/// <summary>The registry-backed <see cref="IModelInference"/>, with the response cache of the models that enable it.</summary>
/// <param name="registry">The models.</param>
/// <param name="metrics">The model metrics every call records.</param>
/// <param name="cache">The response cache.</param>
public sealed class ModelInference(IModelRegistry registry, ModelMetrics metrics, ResponseCache cache) : IModelInference
{

    /// <inheritdoc />
    public ValueTask<Result<InferenceResponse>> InferAsync(
        string model, long? version, InferenceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        // A sequence keeps one canary draw for its life; any other request draws at random, and only under a canary.
        var acquiring = request.Sequence is { } sequence
            ? registry.AcquireAsync(model, version, VersionCanary.DrawOf(sequence.Id.Number, sequence.Id.Text), cancellationToken)
            : registry.AcquireAsync(model, version, cancellationToken);
        if (!acquiring.IsCompletedSuccessfully)
        {
            return AcquireThenInferAsync(model, acquiring, request, cancellationToken);
        }

        // A loaded model's lease comes at once, and the call is then one async frame (InferOnAsync owns the lease): a
        // request waiting for its batch suspends one boxed state machine, not one for this method too (+~160 bytes).
        var acquired = acquiring.Result;
        return !acquired.IsSuccess ? ValueTask.FromResult(acquired.Cast<InferenceResponse>()) : InferLeasedAsync(model, acquired.Value!, request, cancellationToken);
    }

    private async ValueTask<Result<InferenceResponse>> AcquireThenInferAsync(
        string model, ValueTask<Result<ModelLease>> acquiring, InferenceRequest request, CancellationToken cancellationToken)
    {
        var acquired = await acquiring.ConfigureAwait(false);
        return !acquired.IsSuccess
            ? acquired.Cast<InferenceResponse>()
            : await InferLeasedAsync(model, acquired.Value!, request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Infers on <paramref name="lease"/> and releases it when the call ends.</summary>
    private ValueTask<Result<InferenceResponse>> InferLeasedAsync(string model, ModelLease lease, InferenceRequest request, CancellationToken cancellationToken) =>
        lease.Runtime.Model is EnsembleModel ensemble
            ? RunEnsembleAsync(lease, ensemble, request, cancellationToken)
            : InferOnAsync(model, lease, request, cancellationToken, releaseLease: true);

    private async ValueTask<Result<InferenceResponse>> RunEnsembleAsync(ModelLease lease, EnsembleModel ensemble, InferenceRequest request, CancellationToken cancellationToken)
    {
        using (lease)
        {
            var trace = request.Trace;
            trace?.Begin(lease.Version);
            trace?.Record(InferenceTrace.QueueInput, request.Inputs);
            var result = await EnsembleRun.RunAsync(this, registry, metrics, lease, ensemble, request, cancellationToken).ConfigureAwait(false);
            if (trace is not null)
            {
                Traced(trace, result);
            }

            return result;
        }
    }

    private static void Traced(InferenceTrace trace, Result<InferenceResponse> result)
    {
        if (result.TryGetValue(out var response, out _))
        {
            trace.Record(InferenceTrace.BackendOutput, response.Outputs);
        }

        trace.Stamp(InferenceTrace.RequestEnd);
    }

    /// <summary>
    /// Infers on a version already leased: what <see cref="InferAsync"/> does once it has one (and then releases it,
    /// <paramref name="releaseLease"/>), and each step of an ensemble (whose call holds the leases).
    /// </summary>
    internal async ValueTask<Result<InferenceResponse>> InferOnAsync(
        string model, ModelLease lease, InferenceRequest request, CancellationToken cancellationToken, bool releaseLease = false)
    {
        using var owned = releaseLease ? lease : null;
        var runtime = lease.Runtime;
        var trace = request.Trace;
        trace?.Begin(lease.Version);
        if (runtime.TensorModel is null || runtime.Executor is not { } executor || runtime.Pipeline is not { } pipeline || runtime.Signature is not { } signature)
        {
            return Result<InferenceResponse>.Fail(ErrorCode.Unsupported,
                $"model '{model}' ({runtime.Model.Platform}) does not take tensor inference requests");
        }

        var validated = InputValidator.Validate(model, signature, runtime.Config.MaxBatchSize, request);
        if (!validated.IsSuccess)
        {
            metrics.RecordRequest(model, lease.Version, validated.Error.Code, TimeSpan.Zero, TimeSpan.Zero);
            trace?.Stamp(InferenceTrace.RequestEnd);
            return validated.Cast<InferenceResponse>();
        }

        if (request.Priority != 0 && runtime.IsBatching && PriorityProblem(request.Priority, runtime.Config.DynamicBatching) is { } problem)
        {
            metrics.RecordRequest(model, lease.Version, ErrorCode.InvalidRequest, TimeSpan.Zero, TimeSpan.Zero);
            trace?.Stamp(InferenceTrace.RequestEnd);
            return Result<InferenceResponse>.Fail(ErrorCode.InvalidRequest, problem);
        }

        long start = Stopwatch.GetTimestamp();
        trace?.Record(InferenceTrace.QueueInput, request.Inputs);
        ResponseCacheKey? cacheKey = null;
        TimeSpan missLookup = default;
        if (runtime.Config.ResponseCache is { Enable: true } && cache.Enabled)
        {
            cacheKey = ResponseCacheKey.Of(runtime.LoadId, validated.Value!.Inputs, validated.Value.OutputNames);
            if (cache.TryGet(cacheKey, out var cached))
            {
                TimeSpan lookup = Stopwatch.GetElapsedTime(start);
                runtime.Statistics.RecordCacheHit(validated.Value.Rows, lookup);
                metrics.RecordRequest(model, lease.Version, null, lookup, TimeSpan.Zero);
                var hit = Result<InferenceResponse>.Ok(new InferenceResponse(model, lease.Version, Classified(request, cached, runtime), default));
                if (trace is not null)
                {
                    Traced(trace, hit);
                }

                return hit;
            }

            missLookup = Stopwatch.GetElapsedTime(start);
        }

        // A call with a deadline of its own (a job's pass) gets its own timer; every other call the version's shared
        // serving timeout. Infinite: the caller's token alone. Run here rather than in an async method of its own: one
        // state machine less per call on the path every inference takes.
        var timeout = request.Timeout;
        using var own = timeout is { } span && span != Timeout.InfiniteTimeSpan ? new CancellationTokenSource(span, runtime.Time) : null;
        var deadline = own?.Token ?? (timeout is null ? runtime.Timeout!.Token() : CancellationToken.None);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        Result<ExecutionResult> result;
        try
        {
            var outcome = await pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.Executor.ExecuteAsync(state.Request, ctx.CancellationToken, state.Deadline).ConfigureAwait(false));
                    }
                    catch (Exception e)
                    {
                        return Outcome.FromException<Result<ExecutionResult>>(e);
                    }
                },
                context,
                (Executor: executor, Request: validated.Value!, Deadline: deadline)).ConfigureAwait(false);
            result = Map(runtime, outcome, deadline, cancellationToken);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        if (result.IsSuccess)
        {
            var execution = result.Value;
            runtime.Statistics.RecordSuccess(validated.Value!.Rows, elapsed, execution.Timings);
            metrics.RecordRequest(model, lease.Version, null, elapsed, execution.Timings.Queue);
            if (cacheKey is not null)
            {
                long insert = Stopwatch.GetTimestamp();
                cache.Add(cacheKey, execution.Outputs);
                runtime.Statistics.RecordCacheMiss(missLookup + Stopwatch.GetElapsedTime(insert));
            }

            var answer = Result<InferenceResponse>.Ok(new InferenceResponse(model, lease.Version, Classified(request, execution.Outputs, runtime), execution.Timings));
            if (trace is not null)
            {
                trace.Ran(start, execution.Timings);
                Traced(trace, answer);
            }

            return answer;
        }

        if (result.Error.Code != ErrorCode.Overloaded)
        {
            runtime.Statistics.RecordFailure(elapsed);
        }

        metrics.RecordRequest(model, lease.Version, result.Error.Code, elapsed, TimeSpan.Zero);
        trace?.Stamp(InferenceTrace.RequestEnd);
        return result.Cast<InferenceResponse>();
    }

    /// <summary>
    /// Why a priority is refused: above the model's levels where it has some. Triton's core quietly takes the default level
    /// instead; a client that names a level the model lacks is told. Without levels the parameter is ignored, as in Triton.
    /// </summary>
    private static string? PriorityProblem(ulong priority, Registry.DynamicBatchingConfig batching) =>
        batching.PriorityLevels > 0 && priority > (ulong)batching.PriorityLevels
            ? $"parameters.priority {priority} is above the model's priority levels (1 to {batching.PriorityLevels})"
            : null;

    /// <summary>The outputs as the request asked for them: those named by its classifications as their top classes.</summary>
    private static IReadOnlyList<InferTensor> Classified(InferenceRequest request, IReadOnlyList<InferTensor> outputs, ModelVersionRuntime runtime) =>
        request.Classifications is { } classifications ? ClassificationOutputs.Apply(outputs, classifications, runtime.Config.Labels) : outputs;

    private static Result<ExecutionResult> Map(
        ModelVersionRuntime runtime, Outcome<Result<ExecutionResult>> outcome, CancellationToken deadline, CancellationToken cancellationToken) => outcome.Exception switch
    {
        null => outcome.Result,
        BrokenCircuitException => Result<ExecutionResult>.Fail(ErrorCode.ModelNotReady,
            $"model '{runtime.Name}' version {runtime.Version} is not ready: circuit open after repeated failures"),
        // The caller's cancellation wins when both fired: nobody is left to read a timeout.
        OperationCanceledException when !cancellationToken.IsCancellationRequested && deadline.IsCancellationRequested =>
            Result<ExecutionResult>.Fail(ErrorCode.Timeout, $"inference on model '{runtime.Name}' timed out"),
        OperationCanceledException => Result<ExecutionResult>.Fail(ErrorCode.ClientClosedRequest, "the request was cancelled"),
        var e => Result<ExecutionResult>.Fail(ErrorCode.InferenceFailed, $"inference failed: {e.Message}"),
    };
}
