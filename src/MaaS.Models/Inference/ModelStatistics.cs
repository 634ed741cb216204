using System.Collections.Concurrent;

namespace MaaS.Models.Inference;

/// <summary>
/// Cumulative counters of one model version, in the shape of Triton's statistics extension. Thread-safe (Interlocked);
/// read with <see cref="Snapshot"/>.
/// </summary>
public sealed class ModelStatistics
{
    private readonly ConcurrentDictionary<int, BatchCounters> _batches = new();
    private Counter _success, _fail, _queue, _computeInput, _computeInfer, _computeOutput, _cacheHit, _cacheMiss;
    private long _inferenceCount, _executionCount, _lastInferenceMs;

    /// <summary>Records one successful request of <paramref name="rows"/> rows.</summary>
    internal void RecordSuccess(int rows, TimeSpan total, in InferenceTimings timings)
    {
        _success.Add(total);
        _queue.Add(timings.Queue);
        _computeInput.Add(timings.ComputeInput);
        _computeInfer.Add(timings.ComputeInfer);
        _computeOutput.Add(timings.ComputeOutput);
        Interlocked.Add(ref _inferenceCount, rows);
        Interlocked.Exchange(ref _lastInferenceMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    /// <summary>Records one request answered from the response cache: a success without a run, as Triton counts it.</summary>
    internal void RecordCacheHit(int rows, TimeSpan lookup)
    {
        _success.Add(lookup);
        _cacheHit.Add(lookup);
        Interlocked.Add(ref _inferenceCount, rows);
        Interlocked.Exchange(ref _lastInferenceMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    /// <summary>Records the response cache's part of a request it could not answer: the lookup and the insertion.</summary>
    internal void RecordCacheMiss(TimeSpan lookupAndInsert) => _cacheMiss.Add(lookupAndInsert);

    /// <summary>Records one failed request (any failure after validation).</summary>
    internal void RecordFailure(TimeSpan total)
    {
        _fail.Add(total);
        Interlocked.Exchange(ref _lastInferenceMs, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    /// <summary>Records one session run of <paramref name="batchSize"/> rows.</summary>
    internal void RecordExecution(int batchSize, in RunTimings timings)
    {
        Interlocked.Increment(ref _executionCount);
        var counters = _batches.GetOrAdd(batchSize, static _ => new BatchCounters());
        counters.Input.Add(timings.Input);
        counters.Infer.Add(timings.Infer);
        counters.Output.Add(timings.Output);
    }

    /// <summary>A consistent-enough copy of the counters (each counter is read atomically, not all together).</summary>
    public ModelStatisticsSnapshot Snapshot() => new(
        Interlocked.Read(ref _lastInferenceMs),
        Interlocked.Read(ref _inferenceCount),
        Interlocked.Read(ref _executionCount),
        _success.Read(), _fail.Read(), _queue.Read(), _computeInput.Read(), _computeInfer.Read(), _computeOutput.Read(),
        _cacheHit.Read(), _cacheMiss.Read(),
        [.. _batches.OrderBy(kv => kv.Key).Select(kv => new BatchStatistics(kv.Key, kv.Value.Input.Read(), kv.Value.Infer.Read(), kv.Value.Output.Read()))]);

    private sealed class BatchCounters
    {
        public Counter Input;
        public Counter Infer;
        public Counter Output;
    }

    private struct Counter
    {
        private long _count;
        private long _ns;

        public void Add(TimeSpan duration)
        {
            Interlocked.Increment(ref _count);
            Interlocked.Add(ref _ns, (long)(duration.Ticks * 100));
        }

        public DurationStatistic Read() => new(Interlocked.Read(ref _count), Interlocked.Read(ref _ns));
    }
}

/// <summary>Count and total nanoseconds of one kind of event.</summary>
/// <param name="Count">Events.</param>
/// <param name="Ns">Total duration in nanoseconds.</param>
public readonly record struct DurationStatistic(long Count, long Ns);

/// <summary>Per-batch-size compute times.</summary>
/// <param name="BatchSize">Rows in the session run.</param>
/// <param name="ComputeInput">Input preparation.</param>
/// <param name="ComputeInfer">Session runs.</param>
/// <param name="ComputeOutput">Output copies.</param>
public sealed record BatchStatistics(int BatchSize, DurationStatistic ComputeInput, DurationStatistic ComputeInfer, DurationStatistic ComputeOutput);

/// <summary>A copy of <see cref="ModelStatistics"/>.</summary>
/// <param name="LastInferenceUnixMs">Time of the last request, Unix milliseconds (0 if none).</param>
/// <param name="InferenceCount">Rows inferred (a batch of n counts n).</param>
/// <param name="ExecutionCount">Session runs (a merged batch counts 1).</param>
/// <param name="Success">Successful requests and their total duration.</param>
/// <param name="Fail">Failed requests and their total duration.</param>
/// <param name="Queue">Time successful requests waited in the queue.</param>
/// <param name="ComputeInput">Input preparation time of successful requests.</param>
/// <param name="ComputeInfer">Session run time of successful requests.</param>
/// <param name="ComputeOutput">Output time of successful requests.</param>
/// <param name="CacheHit">Requests answered from the response cache and their lookups' total duration.</param>
/// <param name="CacheMiss">Requests the response cache could not answer and the total duration of their lookups and insertions.</param>
/// <param name="Batches">Compute times per batch size.</param>
public sealed record ModelStatisticsSnapshot(
    long LastInferenceUnixMs,
    long InferenceCount,
    long ExecutionCount,
    DurationStatistic Success,
    DurationStatistic Fail,
    DurationStatistic Queue,
    DurationStatistic ComputeInput,
    DurationStatistic ComputeInfer,
    DurationStatistic ComputeOutput,
    DurationStatistic CacheHit,
    DurationStatistic CacheMiss,
    IReadOnlyList<BatchStatistics> Batches);
