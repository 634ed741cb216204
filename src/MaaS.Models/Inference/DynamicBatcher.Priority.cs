using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace MaaS.Models.Inference;

/// <summary>
/// Triton's priority levels and queue policies (model.json's <c>dynamicBatching.priorityLevels</c>,
/// <c>defaultQueuePolicy</c>, <c>priorityQueuePolicy</c>): requests still arrive through the one channel, and the loop moves
/// them into one queue per level, taking the highest level first and FIFO within a level. A level's own
/// <c>maxQueueSize</c> refuses one more with <see cref="ErrorCode.Overloaded"/>; a request whose queue timeout expires
/// before it joins a batch is answered "Request timeout expired" (503 / UNAVAILABLE, as Triton answers it) by its own
/// timer on a REJECT level, or waits behind the level's other requests on a DELAY level (served after them, before lower
/// levels, as in Triton). The serving timeout still bounds every request.
/// </summary>
internal sealed partial class DynamicBatcher
{
    /// <summary>Triton's message for a request rejected by its queue timeout.</summary>
    public const string TimeoutExpired = "Request timeout expired";

    private static readonly Result<ExecutionResult> Expired = Result<ExecutionResult>.Fail(ErrorCode.ModelNotReady, TimeoutExpired);

    // Null on the single queue's path; else index 0 is level 1 (the highest).
    private readonly Level[]? _levels;
    private readonly int _defaultLevel;

    private static Level[] Levels(Registry.DynamicBatchingConfig config)
    {
        var levels = new Level[Math.Max(config.PriorityLevels, 1)];
        for (int i = 0; i < levels.Length; i++)
        {
            levels[i] = new Level(i + 1, config.PolicyOf(config.PriorityLevels == 0 ? 0 : i + 1));
        }

        return levels;
    }

    /// <summary>Puts the item in its level (a priority of 0 or above the levels takes the default, as in Triton's core) and arms its queue timeout; the refusal when the level is full.</summary>
    private Result<ExecutionResult>? Admit(BatchItem item)
    {
        var request = item.Request;
        var level = _levels![request.Priority == 0 || request.Priority > (ulong)_levels.Length ? _defaultLevel : (int)request.Priority - 1];
        var policy = level.Policy;
        if (Interlocked.Increment(ref level.Count) > policy.MaxQueueSize && policy.MaxQueueSize > 0)
        {
            level.Leave();
            return Result<ExecutionResult>.Fail(ErrorCode.Overloaded,
                $"the queue of priority level {level.Number} of this model is full ({policy.MaxQueueSize} requests waiting)");
        }

        item.Level = level;
        // Triton's PolicyQueue::Enqueue: an override applies only where allowed and only when shorter than the default.
        ulong timeout = (ulong)policy.DefaultTimeoutMicroseconds;
        if (policy.AllowTimeoutOverride && request.QueueTimeoutMicroseconds != 0 && request.QueueTimeoutMicroseconds < timeout)
        {
            timeout = request.QueueTimeoutMicroseconds;
        }

        if (timeout == 0)
        {
            return null;
        }

        if (policy.Delays)
        {
            item.DelayAfter = item.EnqueuedAt + (long)(timeout * (double)Stopwatch.Frequency / 1_000_000);
        }
        else
        {
            item.RejectTimer = TimeProvider.System.CreateTimer(
                static state => ((BatchItem)state!).Completion.TrySetResult(Expired), item, TimeSpan.FromMicroseconds(timeout), Timeout.InfiniteTimeSpan);
        }

        return null;
    }

    /// <summary>
    /// Moves arrivals into their levels, then takes the first request of the highest level that has one (waiting before
    /// delayed); with <paramref name="first"/>, the first that can join its batch (same key, at most
    /// <paramref name="rowsLeft"/> rows). Answered or cancelled requests met on the way are dropped.
    /// </summary>
    private bool TryTakeByPriority(ChannelReader<BatchItem> reader, BatchItem? first, int rowsLeft, [NotNullWhen(true)] out BatchItem? taken)
    {
        while (reader.TryRead(out var arrived))
        {
            arrived.Level!.Waiting.AddLast(arrived);
        }

        long now = Stopwatch.GetTimestamp();
        foreach (var level in _levels!)
        {
            taken = TakeFrom(level, level.Waiting, now, first, rowsLeft) ?? TakeFrom(level, level.Delayed, now, first, rowsLeft);
            if (taken is not null)
            {
                return true;
            }
        }

        taken = null;
        return false;
    }

    private BatchItem? TakeFrom(Level level, LinkedList<BatchItem> queue, long now, BatchItem? first, int rowsLeft)
    {
        for (var node = queue.First; node is not null;)
        {
            var item = node.Value;
            var next = node.Next;
            if (item.DelayAfter != 0 && now >= item.DelayAfter && queue == level.Waiting)
            {
                // DELAY: behind the level's requests whose timeouts have not expired (Triton's delayed queue).
                queue.Remove(node);
                level.Delayed.AddLast(item);
            }
            else if (first is null || (item.Request.BatchKey == first.Request.BatchKey && item.Request.Rows <= rowsLeft))
            {
                queue.Remove(node);
                level.Leave();
                // Once taken the request runs: its reject timer is stopped first, and one that fired already wins.
                item.RejectTimer?.Dispose();
                if (!DropIfAnswered(item))
                {
                    return item;
                }
            }
            else if (item.Completion.Task.IsCompleted)
            {
                queue.Remove(node);
                level.Leave();
                DropIfAnswered(item);
            }

            node = next;
        }

        return null;
    }

    private bool DropIfAnswered(BatchItem item)
    {
        if (DropIfCancelled(item))
        {
            return true;
        }

        if (!item.Completion.Task.IsCompleted)
        {
            return false;
        }

        Interlocked.Decrement(ref _pending);
        item.Unregister();
        return true;
    }

    /// <summary>One priority level: its policy, how many of its requests wait, and (for the loop alone) its queues.</summary>
    private sealed class Level(int number, QueuePolicyConfig policy)
    {
        /// <summary>Requests admitted and not yet taken into a batch (or dropped).</summary>
        public int Count;

        public int Number { get; } = number;

        public QueuePolicyConfig Policy { get; } = policy;

        /// <summary>Requests in arrival order.</summary>
        public LinkedList<BatchItem> Waiting { get; } = new();

        /// <summary>DELAY requests whose timeout expired, in the order it did.</summary>
        public LinkedList<BatchItem> Delayed { get; } = new();

        public void Leave() => Interlocked.Decrement(ref Count);
    }
}
