using System.Threading.Channels;

namespace MaaS.Models.Inference;

/// <summary>
/// Merges concurrent requests of one model version into session runs of up to <c>maxBatchSize</c> rows. One loop per
/// version reads a bounded channel: it takes the first waiting request, then keeps taking requests with the same
/// non-batch dimensions until the batch is full or <c>maxQueueDelay</c> has passed since the first one arrived. At
/// most <c>maxQueueSize</c> requests wait (queued or forming a batch); one more is refused with
/// <see cref="ErrorCode.Overloaded"/>, so latency stays bounded. Up to <c>instances</c> batches run at once (Triton's
/// <c>instance_group { count }</c>): with one, the loop runs each batch itself and forms the next when it is done; with
/// more, it hands a formed batch to the thread pool and forms the next as soon as an instance is free, so a core does
/// not idle while one large run holds the model. Each caller gets its own rows whatever order the batches finish in.
/// With Triton's priority levels or queue policies (DynamicBatcher.Priority.cs) the loop takes requests from one queue
/// per level instead; without them (every bundled model) the single queue's path is unchanged.
/// </summary>
internal sealed partial class DynamicBatcher : InferenceExecutor
{
    // Timed waits below this are done by yielding: timers on Linux resolve to about a millisecond.
    private static readonly long SpinThreshold = Stopwatch.Frequency / 1000;

    private readonly ITensorModel _model;
    private readonly int _maxBatchSize;
    private readonly long _delayTicks;
    private readonly int _maxQueueSize;
    private readonly ExecutionObserver _observer;
    private readonly int _instances;
    // Free instances when more than one: taken before a batch is formed, given back when its run ends.
    private readonly SemaphoreSlim? _free;
    private readonly Channel<BatchItem> _channel;
    private readonly Task _loop;
    private CancellationTokenSource _waitTimer = new();
    private int _pending;

    public DynamicBatcher(
        ITensorModel model, int maxBatchSize, TimeSpan maxQueueDelay, int maxQueueSize, ExecutionObserver observer, int instances = 1, Registry.DynamicBatchingConfig? priorities = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(instances, 1);
        _model = model;
        _maxBatchSize = maxBatchSize;
        _delayTicks = (long)(maxQueueDelay.TotalSeconds * Stopwatch.Frequency);
        _maxQueueSize = maxQueueSize;
        _observer = observer;
        _instances = instances;
        _free = instances > 1 ? new SemaphoreSlim(instances, instances) : null;
        _levels = priorities is not null && priorities.NeedsPriorityQueues() ? Levels(priorities) : null;
        _defaultLevel = priorities is null ? 0 : Math.Max(priorities.DefaultPriorityLevel, 1) - 1;
        _channel = Channel.CreateBounded<BatchItem>(new BoundedChannelOptions(maxQueueSize)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Batches that may run at once.</summary>
    public int Instances => _instances;

    /// <summary>Requests waiting (queued or in a batch being formed).</summary>
    public int Pending => Volatile.Read(ref _pending);

    public override ValueTask<Result<ExecutionResult>> ExecuteAsync(ValidatedRequest request, CancellationToken cancellationToken, CancellationToken timeout)
    {
        cancellationToken.ThrowIfCancellationRequested();
        timeout.ThrowIfCancellationRequested();
        if (Interlocked.Increment(ref _pending) > _maxQueueSize)
        {
            Interlocked.Decrement(ref _pending);
            return ValueTask.FromResult(Result<ExecutionResult>.Fail(ErrorCode.Overloaded, $"the queue of this model is full ({_maxQueueSize} requests waiting)"));
        }

        var item = new BatchItem(request, cancellationToken, timeout);
        if (_levels is not null && Admit(item) is { } refused)
        {
            Interlocked.Decrement(ref _pending);
            return ValueTask.FromResult(refused);
        }

        // A registration per token that cancels the item's own completion, taken off by whoever completes the item,
        // costs less per request than Task.WaitAsync or an async wrapper that disposes it (a state machine and a
        // continuation more); the loop drops a cancelled item it meets, and its late result is ignored. They are
        // registered before the item is queued, so that the loop always sees them.
        if (cancellationToken.CanBeCanceled)
        {
            item.Registration = cancellationToken.UnsafeRegister(CancelItem, item);
        }

        if (timeout.CanBeCanceled)
        {
            item.TimeoutRegistration = timeout.UnsafeRegister(CancelItem, item);
        }

        if (!_channel.Writer.TryWrite(item))
        {
            item.Unregister();
            item.Level?.Leave();
            Interlocked.Decrement(ref _pending);
            return ValueTask.FromResult(Result<ExecutionResult>.Fail(ErrorCode.ModelNotReady, "the model version is being retired"));
        }

        return new ValueTask<Result<ExecutionResult>>(item.Completion.Task);
    }

    public override async ValueTask DisposeAsync()
    {
        _channel.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _waitTimer.Dispose();
        _free?.Dispose();
    }

    private async Task LoopAsync()
    {
        var reader = _channel.Reader;
        var batch = new List<BatchItem>(Math.Min(_maxBatchSize, 256));
        // Requests that did not fit the batch being formed (other shape, or too many rows) wait here, in arrival
        // order, and start the next batches: mixed traffic still merges, and nothing is overtaken indefinitely.
        var deferred = new List<BatchItem>();
        bool holding = false;
        while (true)
        {
            if (_free is not null && !holding)
            {
                // An instance is free before the batch is formed, as when the loop runs batches itself: requests that
                // come while every instance is busy wait in the channel and fill the next batch.
                await _free.WaitAsync().ConfigureAwait(false);
                holding = true;
            }

            BatchItem first;
            if (_levels is not null)
            {
                if (!TryTakeByPriority(reader, null, 0, out first!))
                {
                    if (!await reader.WaitToReadAsync().ConfigureAwait(false))
                    {
                        break;
                    }

                    continue;
                }
            }
            else if (deferred.Count > 0)
            {
                first = deferred[0];
                deferred.RemoveAt(0);
            }
            else if (!reader.TryRead(out first!))
            {
                if (!await reader.WaitToReadAsync().ConfigureAwait(false))
                {
                    break;
                }

                continue;
            }

            if (DropIfCancelled(first))
            {
                continue;
            }

            batch.Clear();
            batch.Add(first);
            int rows = first.Request.Rows;
            for (int i = 0; i < deferred.Count && rows < _maxBatchSize; i++)
            {
                var waiting = deferred[i];
                if (waiting.Request.BatchKey == first.Request.BatchKey && rows + waiting.Request.Rows <= _maxBatchSize)
                {
                    deferred.RemoveAt(i--);
                    if (!DropIfCancelled(waiting))
                    {
                        batch.Add(waiting);
                        rows += waiting.Request.Rows;
                    }
                }
            }

            long deadline = first.EnqueuedAt + _delayTicks;
            while (rows < _maxBatchSize)
            {
                if (_levels is not null)
                {
                    if (TryTakeByPriority(reader, first, _maxBatchSize - rows, out var match))
                    {
                        batch.Add(match);
                        rows += match.Request.Rows;
                        continue;
                    }
                }
                else if (reader.TryRead(out var next))
                {
                    if (DropIfCancelled(next))
                    {
                        continue;
                    }

                    if (next.Request.BatchKey != first.Request.BatchKey || rows + next.Request.Rows > _maxBatchSize)
                    {
                        deferred.Add(next);
                        continue;
                    }

                    batch.Add(next);
                    rows += next.Request.Rows;
                    continue;
                }

                long remaining = deadline - Stopwatch.GetTimestamp();
                if (remaining <= 0)
                {
                    break;
                }

                if (!await WaitForMoreAsync(reader, remaining).ConfigureAwait(false))
                {
                    break;
                }
            }

            Interlocked.Add(ref _pending, -batch.Count);
            if (_free is null)
            {
                Execute(CollectionsMarshal.AsSpan(batch));
            }
            else
            {
                holding = false;
                ThreadPool.UnsafeQueueUserWorkItem(static state => state.Batcher.ExecuteOnInstance(state.Items), (Batcher: this, Items: batch.ToArray()), preferLocal: false);
            }
        }

        if (_free is not null)
        {
            // The model is disposed after this executor: every run in flight ends first.
            if (holding)
            {
                _free.Release();
            }

            for (int i = 0; i < _instances; i++)
            {
                await _free.WaitAsync().ConfigureAwait(false);
            }
        }

        foreach (var orphan in _levels is null ? deferred : deferred.Concat(_levels.SelectMany(level => level.Waiting.Concat(level.Delayed))))
        {
            orphan.Complete(Result<ExecutionResult>.Fail(ErrorCode.ModelNotReady, "the model version was retired"));
        }

        while (reader.TryRead(out var orphan))
        {
            orphan.Complete(Result<ExecutionResult>.Fail(ErrorCode.ModelNotReady, "the model version was retired"));
        }
    }

    /// <summary>Waits until an item may be readable or the time is up; false to stop waiting (time up, nothing came, or completed).</summary>
    private async ValueTask<bool> WaitForMoreAsync(ChannelReader<BatchItem> reader, long remainingTicks)
    {
        if (remainingTicks < SpinThreshold)
        {
            // Below timer resolution: give requests already on their way one scheduling turn, then run. Spinning out
            // the rest of the window would take a core from the HTTP server on small machines; under load the batch
            // fills anyway from requests that arrived while the previous one ran.
            await Task.Yield();
            return reader.TryPeek(out _);
        }

        _waitTimer.CancelAfter(TimeSpan.FromSeconds((double)remainingTicks / Stopwatch.Frequency));
        try
        {
            return await reader.WaitToReadAsync(_waitTimer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return true;
        }
        finally
        {
            if (!_waitTimer.TryReset())
            {
                _waitTimer.Dispose();
                _waitTimer = new CancellationTokenSource();
            }
        }
    }

    private static void CancelItem(object? state, CancellationToken token) => ((BatchItem)state!).Completion.TrySetCanceled(token);

    private bool DropIfCancelled(BatchItem item)
    {
        var fired = item.CancellationToken.IsCancellationRequested ? item.CancellationToken
            : item.Timeout.IsCancellationRequested ? item.Timeout
            : CancellationToken.None;
        if (!fired.IsCancellationRequested)
        {
            return false;
        }

        Interlocked.Decrement(ref _pending);
        item.Unregister();
        item.Completion.TrySetCanceled(fired);
        return true;
    }

    private void ExecuteOnInstance(BatchItem[] batch)
    {
        try
        {
            Execute(batch);
        }
        finally
        {
            _free!.Release();
        }
    }

    private void Execute(ReadOnlySpan<BatchItem> batch)
    {
        long start = Stopwatch.GetTimestamp();
        var requests = new ValidatedRequest[batch.Length];
        var queues = new TimeSpan[batch.Length];
        for (int i = 0; i < batch.Length; i++)
        {
            requests[i] = batch[i].Request;
            queues[i] = Stopwatch.GetElapsedTime(batch[i].EnqueuedAt, start);
        }

        Result<ExecutionResult>[] results;
        try
        {
            results = BatchExecution.RunMerged(_model, requests, queues, _observer);
        }
        catch (Exception e)
        {
            results = new Result<ExecutionResult>[batch.Length];
            Array.Fill(results, Result<ExecutionResult>.Fail(ErrorCode.InferenceFailed, $"inference failed: {e.Message}"));
        }

        for (int i = 0; i < batch.Length; i++)
        {
            batch[i].Complete(results[i]);
        }
    }

    private sealed class BatchItem(ValidatedRequest request, CancellationToken cancellationToken, CancellationToken timeout)
    {
        public ValidatedRequest Request { get; } = request;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public CancellationToken Timeout { get; } = timeout;

        public long EnqueuedAt { get; } = Stopwatch.GetTimestamp();

        public TaskCompletionSource<Result<ExecutionResult>> Completion { get; } =
            new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>The caller's cancellation, set before the item is queued.</summary>
        public CancellationTokenRegistration Registration { get; set; }

        /// <summary>The call's deadline, set before the item is queued.</summary>
        public CancellationTokenRegistration TimeoutRegistration { get; set; }

        /// <summary>The priority level the request waits in; null on the single queue's path.</summary>
        public Level? Level { get; set; }

        /// <summary>When a request of a DELAY level stops waiting its turn (a <see cref="Stopwatch"/> timestamp); 0 never.</summary>
        public long DelayAfter { get; set; }

        /// <summary>The timer that rejects the request when its queue timeout expires (a REJECT level).</summary>
        public ITimer? RejectTimer { get; set; }

        public void Unregister()
        {
            Registration.Unregister();
            TimeoutRegistration.Unregister();
            RejectTimer?.Dispose();
        }

        public void Complete(Result<ExecutionResult> result)
        {
            Unregister();
            Completion.TrySetResult(result);
        }
    }
}
