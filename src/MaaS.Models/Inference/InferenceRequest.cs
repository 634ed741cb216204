namespace MaaS.Models.Inference;

/// <summary>One inference call: the inputs and, optionally, which outputs to return.</summary>
/// <param name="Inputs">Every input the model declares, once each.</param>
/// <param name="Outputs">Outputs to return, by name; null or empty returns all of them.</param>
public sealed record InferenceRequest(IReadOnlyList<InferTensor> Inputs, IReadOnlyList<string>? Outputs = null)
{
    /// <summary>
    /// How long this call may take (queue and compute) instead of <see cref="ServingOptions.RequestTimeoutMilliseconds"/>,
    /// which bounds client requests: work with a deadline of its own (a background job's pass, bounded by
    /// <c>Jobs:MaxRunSeconds</c>) sets it. <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> leaves the call to its
    /// cancellation token. Null: the serving timeout.
    /// </summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// Outputs to answer as their top classes (Triton's classification extension, <see cref="ClassificationOutputs"/>):
    /// output name to class count; each must be one of <see cref="Outputs"/>. Null: every output as the model gives it.
    /// </summary>
    public IReadOnlyDictionary<string, int>? Classifications { get; init; }

    /// <summary>
    /// Triton's <c>priority</c> parameter: the request's priority level, 1 the highest; 0 the model's default level. Used
    /// by a dynamically batched model with priority levels (<see cref="Registry.DynamicBatchingConfig.PriorityLevels"/>), ignored by others.
    /// </summary>
    public ulong Priority { get; init; }

    /// <summary>
    /// Triton's <c>timeout</c> parameter: how long the request may wait for a batch, in microseconds; 0 none. It applies only
    /// where the level's queue policy allows an override, and only shortens its default timeout (Triton's rule).
    /// </summary>
    public ulong QueueTimeoutMicroseconds { get; init; }

    /// <summary>Triton's sequence parameters; null when the request names no sequence.</summary>
    public SequenceControl? Sequence { get; init; }

    /// <summary>
    /// The request's trace when it is sampled (<see cref="Tracing.InferenceTracing.TryStart"/>): inference stamps it and
    /// records its tensors; whoever started it submits it. Null: not traced.
    /// </summary>
    public Tracing.InferenceTrace? Trace { get; init; }
}

/// <summary>The result of one inference call.</summary>
/// <param name="ModelName">Model that answered.</param>
/// <param name="ModelVersion">Version that answered (the default version is resolved).</param>
/// <param name="Outputs">Requested outputs, this caller's rows only.</param>
/// <param name="Timings">Where the time went.</param>
public sealed record InferenceResponse(string ModelName, long ModelVersion, IReadOnlyList<InferTensor> Outputs, InferenceTimings Timings)
{
    /// <summary>The output of that name, or null.</summary>
    public InferTensor? Output(string name)
    {
        foreach (var output in Outputs)
        {
            if (output.Name == name)
            {
                return output;
            }
        }

        return null;
    }
}

/// <summary>Time spent by one request.</summary>
/// <param name="Queue">Waiting in the batcher queue.</param>
/// <param name="ComputeInput">Merging inputs and creating runtime tensors (shared by the batch).</param>
/// <param name="ComputeInfer">The session run (shared by the batch).</param>
/// <param name="ComputeOutput">Copying and splitting outputs (shared by the batch).</param>
/// <param name="BatchSize">Rows in the session run that served this request (1 when the model takes no batch axis).</param>
public readonly record struct InferenceTimings(TimeSpan Queue, TimeSpan ComputeInput, TimeSpan ComputeInfer, TimeSpan ComputeOutput, int BatchSize)
{
    /// <summary>Total compute time (input + infer + output).</summary>
    public TimeSpan Compute => ComputeInput + ComputeInfer + ComputeOutput;
}
