using System.Diagnostics;
using MaaS.Models.Registry;
using MaaS.Models.Telemetry;
using Polly;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace MaaS.Models.Inference;

/// <summary>The registry-backed <see cref="IModelInference"/>.</summary>
public sealed class ModelInference : IModelInference
{
    private readonly IModelRegistry _registry;
    private readonly ModelMetrics _metrics;

    /// <summary>Creates the service over a registry.</summary>
    public ModelInference(IModelRegistry registry, ModelMetrics metrics)
    {
        _registry = registry;
        _metrics = metrics;
    }

    /// <inheritdoc />
    public async ValueTask<ModelResult<InferenceResponse>> InferAsync(
        string model, long? version, InferenceRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var acquired = _registry.Acquire(model, version);
        if (!acquired.IsSuccess)
        {
            return acquired.Cast<InferenceResponse>();
        }

        using var lease = acquired.Value!;
        var runtime = lease.Runtime;
        if (runtime.TensorModel is not { } tensor || runtime.Executor is null || runtime.Pipeline is null)
        {
            return ModelResult<InferenceResponse>.Fail(ModelFailure.Unsupported,
                $"model '{model}' ({runtime.Model.Platform}) does not take tensor inference requests");
        }

        var validated = InputValidator.Validate(model, tensor.Signature, runtime.Config.MaxBatchSize, request);
        if (!validated.IsSuccess)
        {
            _metrics.RecordRequest(model, lease.Version, validated.Failure, TimeSpan.Zero, TimeSpan.Zero);
            return validated.Cast<InferenceResponse>();
        }

        long start = Stopwatch.GetTimestamp();
        var result = await ExecuteAsync(runtime, validated.Value!, cancellationToken).ConfigureAwait(false);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        if (result.IsSuccess)
        {
            var execution = result.Value;
            runtime.Statistics.RecordSuccess(validated.Value!.Rows, elapsed, execution.Timings);
            _metrics.RecordRequest(model, lease.Version, ModelFailure.None, elapsed, execution.Timings.Queue);
            return ModelResult<InferenceResponse>.Ok(new InferenceResponse(model, lease.Version, execution.Outputs, execution.Timings));
        }

        if (result.Failure != ModelFailure.Overloaded)
        {
            runtime.Statistics.RecordFailure(elapsed);
        }

        _metrics.RecordRequest(model, lease.Version, result.Failure, elapsed, TimeSpan.Zero);
        return result.Cast<InferenceResponse>();
    }

    private static async ValueTask<ModelResult<ExecutionResult>> ExecuteAsync(
        ModelVersionRuntime runtime, ValidatedRequest request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            var outcome = await runtime.Pipeline!.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        return Outcome.FromResult(await state.Executor!.ExecuteAsync(state.Request, ctx.CancellationToken).ConfigureAwait(false));
                    }
                    catch (Exception e)
                    {
                        return Outcome.FromException<ModelResult<ExecutionResult>>(e);
                    }
                },
                context,
                (runtime.Executor, Request: request)).ConfigureAwait(false);
            return outcome.Exception switch
            {
                null => outcome.Result,
                BrokenCircuitException => ModelResult<ExecutionResult>.Fail(ModelFailure.NotReady,
                    $"model '{runtime.Name}' version {runtime.Version} is not ready: circuit open after repeated failures"),
                TimeoutRejectedException => ModelResult<ExecutionResult>.Fail(ModelFailure.Timeout,
                    $"inference on model '{runtime.Name}' timed out"),
                OperationCanceledException => ModelResult<ExecutionResult>.Fail(ModelFailure.Cancelled, "the request was cancelled"),
                var e => ModelResult<ExecutionResult>.Fail(ModelFailure.InferenceFailed, $"inference failed: {e.Message}"),
            };
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
