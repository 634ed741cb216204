namespace MaaS.Models.Ensembles;

/// <summary>
/// One call of an ensemble: its inputs checked against its declared signature, every step's member version leased for
/// the whole call (a reload meanwhile replaces none of them under it), then each step run through its member's
/// ordinary path (<see cref="ModelInference.InferOnAsync"/>: validation, dynamic batching, statistics) as soon as the
/// steps it reads from are done, steps that become ready together on threads of their own. Tensors pass from step to
/// step as they are, renamed, never encoded. A step's failure is the call's, with the step named and its status kept
/// (bad input stays a 400).
/// </summary>
internal static class EnsembleRun
{
    public static async ValueTask<Result<InferenceResponse>> RunAsync(
        ModelInference inference, IModelRegistry registry, ModelMetrics metrics, ModelLease lease, EnsembleModel ensemble,
        InferenceRequest request, CancellationToken cancellationToken)
    {
        string name = lease.Name;
        var runtime = lease.Runtime;
        var validated = InputValidator.Validate(name, ensemble.Signature, runtime.Config.MaxBatchSize, request);
        if (!validated.IsSuccess)
        {
            metrics.RecordRequest(name, lease.Version, validated.Error.Code, TimeSpan.Zero, TimeSpan.Zero);
            return validated.Cast<InferenceResponse>();
        }

        long start = Stopwatch.GetTimestamp();
        var steps = ensemble.Steps;
        var leases = new ModelLease?[steps.Count];
        Result<InferenceResponse> result;
        try
        {
            result = await LeaseAsync(registry, name, steps, leases, cancellationToken).ConfigureAwait(false)
                ?? await RunStepsAsync(inference, name, ensemble, validated.Value!, leases, request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            foreach (var held in leases)
            {
                held?.Dispose();
            }
        }

        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        if (!result.IsSuccess)
        {
            if (result.Error.Code != ErrorCode.Overloaded)
            {
                runtime.Statistics.RecordFailure(elapsed);
            }

            metrics.RecordRequest(name, lease.Version, result.Error.Code, elapsed, TimeSpan.Zero);
            return result;
        }

        var timings = result.Value!.Timings with { BatchSize = validated.Value!.Rows };
        runtime.Statistics.RecordSuccess(validated.Value.Rows, elapsed, timings);
        metrics.RecordRequest(name, lease.Version, null, elapsed, timings.Queue);
        var outputs = request.Classifications is { } classifications
            ? ClassificationOutputs.Apply(result.Value.Outputs, classifications, runtime.Config.Labels)
            : result.Value.Outputs;
        return Result<InferenceResponse>.Ok(new InferenceResponse(name, lease.Version, outputs, timings));
    }

    /// <summary>Leases every step's member version; null when all are held, else the first refusal, naming its step.</summary>
    private static async ValueTask<Result<InferenceResponse>?> LeaseAsync(
        IModelRegistry registry, string name, IReadOnlyList<EnsembleStep> steps, ModelLease?[] leases, CancellationToken cancellationToken)
    {
        for (int s = 0; s < steps.Count; s++)
        {
            var acquired = await registry.AcquireAsync(steps[s].ModelName, steps[s].Version, cancellationToken).ConfigureAwait(false);
            if (!acquired.IsSuccess)
            {
                return StepFailed(name, steps[s], acquired.Error);
            }

            leases[s] = acquired.Value;
        }

        return null;
    }

    private static async Task<Result<InferenceResponse>> RunStepsAsync(
        ModelInference inference, string name, EnsembleModel ensemble, ValidatedRequest request, ModelLease?[] leases,
        InferenceRequest call, CancellationToken cancellationToken)
    {
        var steps = ensemble.Steps;
        var runs = new Task<Result<InferenceResponse>>[steps.Count];
        for (int s = 0; s < steps.Count; s++)
        {
            int position = s;
            // No token for Task.Run: a step cancelled before it starts would fault the whole call; the step's own call
            // takes the token and answers the cancellation as a value.
            runs[s] = steps[s].RunsBesideOthers
                ? Task.Run(() => StepAsync(position), CancellationToken.None)
                : StepAsync(position);
        }

        await Task.WhenAll(runs).ConfigureAwait(false);
        var queue = TimeSpan.Zero;
        var input = TimeSpan.Zero;
        var infer = TimeSpan.Zero;
        var output = TimeSpan.Zero;
        foreach (var run in runs)
        {
            var done = await run.ConfigureAwait(false);
            if (!done.IsSuccess)
            {
                return done;
            }

            var t = done.Value!.Timings;
            (queue, input, infer, output) = (queue + t.Queue, input + t.ComputeInput, infer + t.ComputeInfer, output + t.ComputeOutput);
        }

        var outputs = new InferTensor[request.OutputNames.Length];
        for (int o = 0; o < outputs.Length; o++)
        {
            var (step, member) = ensemble.OutputSources[request.OutputNames[o]];
            var answer = await runs[step].ConfigureAwait(false);
            outputs[o] = Renamed(answer.Value!.Output(member)!, request.OutputNames[o]);
        }

        return Result<InferenceResponse>.Ok(new InferenceResponse(name, 0, outputs, new InferenceTimings(queue, input, infer, output, request.Rows)));

        // Steps are in an order where each comes after those it reads from, so their tasks exist when it awaits them.
        async Task<Result<InferenceResponse>> StepAsync(int position)
        {
            var step = steps[position];
            foreach (int producer in step.DependsOn)
            {
                var before = await runs[producer].ConfigureAwait(false);
                if (!before.IsSuccess)
                {
                    return before;
                }
            }

            var inputs = new InferTensor[step.Inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                var binding = step.Inputs[i];
                var source = binding.Producer < 0
                    ? Array.Find(request.Inputs, t => t.Name == binding.Source)
                    : (await runs[binding.Producer].ConfigureAwait(false)).Value!.Output(binding.Source);
                inputs[i] = Renamed(source!, binding.MemberInput);
            }

            // A step is the call's own request to the member, as in Triton's ensemble scheduler: the call's deadline, and
            // its priority and queue timeout for the member's priority levels.
            var stepRequest = new InferenceRequest(inputs, step.Outputs)
            {
                Timeout = call.Timeout,
                Priority = call.Priority,
                QueueTimeoutMicroseconds = call.QueueTimeoutMicroseconds,
                // Triton traces a traced ensemble's steps whatever their own sampling says, each with the call as its parent.
                Trace = call.Trace?.Child(step.ModelName),
            };
            var answer = await inference.InferOnAsync(step.ModelName, leases[position]!, stepRequest, cancellationToken).ConfigureAwait(false);
            return answer.IsSuccess ? answer : StepFailed(name, step, answer.Error);
        }
    }

    private static InferTensor Renamed(InferTensor tensor, string name) => tensor.Name == name ? tensor : tensor with { Name = name };

    private static Result<InferenceResponse> StepFailed(string name, EnsembleStep step, Error error) =>
        Result<InferenceResponse>.Fail(error.Code, $"ensemble '{name}' {step.Label}: {error.Message}");
}
