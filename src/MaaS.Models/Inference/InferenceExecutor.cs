namespace MaaS.Models.Inference;

/// <summary>Outputs of one request and where its time went.</summary>
internal readonly record struct ExecutionResult(InferTensor[] Outputs, InferenceTimings Timings);

/// <summary>Runs validated requests on one model version: directly, or merged by the dynamic batcher.</summary>
internal abstract class InferenceExecutor : IAsyncDisposable
{
    /// <summary>
    /// Runs the request; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> (the
    /// caller's) or <paramref name="timeout"/> (the call's deadline) fires while it waits. A run already started is
    /// not stopped: ONNX Runtime's runs are synchronous.
    /// </summary>
    public abstract ValueTask<Result<ExecutionResult>> ExecuteAsync(ValidatedRequest request, CancellationToken cancellationToken, CancellationToken timeout);

    public abstract ValueTask DisposeAsync();
}

/// <summary>Callback for each session run: rows and timings.</summary>
internal delegate void ExecutionObserver(int batchSize, in RunTimings timings);

/// <summary>Runs one or many requests as session runs, turning runtime exceptions into failure values.</summary>
internal static class BatchExecution
{
    /// <summary>Runs one request alone.</summary>
    public static Result<ExecutionResult> RunSingle(ITensorModel model, ValidatedRequest request, TimeSpan queue, ExecutionObserver observer) =>
        RunSingle(model, request, queue, observer, out _);

    private static Result<ExecutionResult> RunSingle(
        ITensorModel model, ValidatedRequest request, TimeSpan queue, ExecutionObserver observer, out bool mayBeInput)
    {
        mayBeInput = false;
        try
        {
            var outputs = model.Run(request.Inputs, request.OutputNames, out var timings);
            observer(request.Rows, timings);
            return Result<ExecutionResult>.Ok(new ExecutionResult(
                [.. outputs], new InferenceTimings(queue, timings.Input, timings.Infer, timings.Output, request.Rows)));
        }
        catch (ModelInputException e)
        {
            return Result<ExecutionResult>.Fail(ErrorCode.InvalidRequest, e.Message);
        }
        catch (Exception e)
        {
            // Models throw messages fit for callers (OnnxModel keeps the runtime's own text for its log).
            mayBeInput = e is ModelRunException { MayBeInput: true };
            return Result<ExecutionResult>.Fail(ErrorCode.InferenceFailed, $"inference failed: {e.Message}");
        }
    }

    /// <summary>
    /// Runs requests with equal batch keys as one session run (concatenated along axis 0) and splits the outputs back.
    /// When the merged run fails, each request is rerun alone so that one caller's bad values fail only that caller.
    /// </summary>
    public static Result<ExecutionResult>[] RunMerged(
        ITensorModel model, IReadOnlyList<ValidatedRequest> requests, IReadOnlyList<TimeSpan> queues, ExecutionObserver observer)
    {
        var results = new Result<ExecutionResult>[requests.Count];
        if (requests.Count == 1)
        {
            results[0] = RunSingle(model, requests[0], queues[0], observer);
            return results;
        }

        try
        {
            long start = Stopwatch.GetTimestamp();
            int totalRows = 0;
            foreach (var request in requests)
            {
                totalRows += request.Rows;
            }

            var inputs = new InferTensor[requests[0].Inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                inputs[i] = TensorBatching.Concat(requests, i, totalRows);
            }

            var outputNames = MergedOutputNames(requests);
            TimeSpan merge = Stopwatch.GetElapsedTime(start);
            var outputs = model.Run(inputs, outputNames, out var run);
            long split = Stopwatch.GetTimestamp();
            var sliced = new InferTensor[requests.Count][];
            int offset = 0;
            for (int r = 0; r < requests.Count; r++)
            {
                var request = requests[r];
                sliced[r] = new InferTensor[request.OutputNames.Length];
                for (int o = 0; o < request.OutputNames.Length; o++)
                {
                    int index = Array.IndexOf(outputNames, request.OutputNames[o]);
                    sliced[r][o] = TensorBatching.Slice(outputs[index], offset, request.Rows, totalRows);
                }

                offset += request.Rows;
            }

            var timings = new RunTimings(run.Input + merge, run.Infer, run.Output + Stopwatch.GetElapsedTime(split));
            observer(totalRows, timings);
            for (int r = 0; r < requests.Count; r++)
            {
                results[r] = Result<ExecutionResult>.Ok(new ExecutionResult(
                    sliced[r], new InferenceTimings(queues[r], timings.Input, timings.Infer, timings.Output, totalRows)));
            }
        }
        catch (Exception)
        {
            RunEachAlone(model, requests, queues, observer, results);
        }

        return results;
    }

    // Requests that name no outputs share their signature's array (InputValidator): then it is the batch's too.
    private static string[] MergedOutputNames(IReadOnlyList<ValidatedRequest> requests)
    {
        var first = requests[0].OutputNames;
        for (int r = 1; r < requests.Count; r++)
        {
            if (!ReferenceEquals(requests[r].OutputNames, first))
            {
                return requests.SelectMany(request => request.OutputNames).Distinct(StringComparer.Ordinal).ToArray();
            }
        }

        return first;
    }

    private static void RunEachAlone(
        ITensorModel model, IReadOnlyList<ValidatedRequest> requests, IReadOnlyList<TimeSpan> queues, ExecutionObserver observer, Result<ExecutionResult>[] results)
    {
        bool anySucceeded = false;
        var undecided = new bool[requests.Count];
        for (int r = 0; r < requests.Count; r++)
        {
            results[r] = RunSingle(model, requests[r], queues[r], observer, out undecided[r]);
            anySucceeded |= results[r].IsSuccess;
        }

        if (!anySucceeded)
        {
            return;
        }

        // A model that had never run could not blame a request that ran before the others succeeded; now that it has
        // run, the same failure is that request's (see ModelRunException.MayBeInput).
        for (int r = 0; r < requests.Count; r++)
        {
            if (undecided[r])
            {
                results[r] = RunSingle(model, requests[r], queues[r], observer);
            }
        }
    }
}

/// <summary>Runs each request on the caller's thread; bounds concurrent runs by the model's queue size.</summary>
internal sealed class DirectExecutor(ITensorModel model, int maxConcurrency, ExecutionObserver observer) : InferenceExecutor
{
    private int _running;

    public override ValueTask<Result<ExecutionResult>> ExecuteAsync(ValidatedRequest request, CancellationToken cancellationToken, CancellationToken timeout)
    {
        cancellationToken.ThrowIfCancellationRequested();
        timeout.ThrowIfCancellationRequested();
        if (Interlocked.Increment(ref _running) > maxConcurrency)
        {
            Interlocked.Decrement(ref _running);
            return ValueTask.FromResult(Result<ExecutionResult>.Fail(
                ErrorCode.Overloaded, $"too many concurrent requests (limit {maxConcurrency})"));
        }

        try
        {
            return ValueTask.FromResult(BatchExecution.RunSingle(model, request, TimeSpan.Zero, observer));
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
