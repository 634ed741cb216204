namespace MaaS.Models.Registry;

/// <summary>
/// Triton's priority levels and queue policies of the dynamic batcher (<c>ModelDynamicBatching</c>'s
/// <c>priority_levels</c>, <c>default_priority_level</c>, <c>default_queue_policy</c>, <c>priority_queue_policy</c>).
/// </summary>
public sealed partial record DynamicBatchingConfig
{
    /// <summary>Priority levels (1 is the highest); 0 (the default) or 1: every request waits in one queue and a request's priority is ignored.</summary>
    public int PriorityLevels { get; set; }

    /// <summary>The level of a request that names none (priority 0); between 1 and <see cref="PriorityLevels"/> when there are levels, else 0.</summary>
    public int DefaultPriorityLevel { get; set; }

    /// <summary>The queue policy of every level without one of its own in <see cref="PriorityQueuePolicy"/>; null is Triton's default (no timeout, no limit of its own).</summary>
    public QueuePolicyConfig? DefaultQueuePolicy { get; set; }

    /// <summary>Queue policies of single levels, by level.</summary>
    public IReadOnlyDictionary<int, QueuePolicyConfig>? PriorityQueuePolicy { get; set; }

    /// <summary>The policy that governs <paramref name="level"/> (1-based; 0 when there are no levels).</summary>
    public QueuePolicyConfig PolicyOf(int level) =>
        PriorityQueuePolicy is not null && PriorityQueuePolicy.TryGetValue(level, out var own) ? own : DefaultQueuePolicy ?? QueuePolicyConfig.None;

    /// <summary>
    /// Whether requests need the priority queues: more than one level, or a queue timeout, or a level queue smaller than
    /// the model's <see cref="MaxQueueSize"/>. Otherwise the batcher keeps its single queue (every bundled model).
    /// </summary>
    public bool NeedsPriorityQueues()
    {
        if (PriorityLevels > 1)
        {
            return true;
        }

        var policy = PolicyOf(PriorityLevels);
        return policy.DefaultTimeoutMicroseconds > 0 || (policy.MaxQueueSize > 0 && policy.MaxQueueSize < MaxQueueSize);
    }

    internal IEnumerable<string> CheckPriorities()
    {
        if (PriorityLevels < 0)
        {
            yield return "dynamicBatching.priorityLevels must be >= 0";
        }
        else if (PriorityLevels == 0 ? DefaultPriorityLevel != 0 : DefaultPriorityLevel < 1 || DefaultPriorityLevel > PriorityLevels)
        {
            yield return PriorityLevels == 0
                ? "dynamicBatching.defaultPriorityLevel must be 0 when priorityLevels is 0"
                : $"dynamicBatching.defaultPriorityLevel must be between 1 and priorityLevels ({PriorityLevels})";
        }

        if (DefaultQueuePolicy?.Check("dynamicBatching.defaultQueuePolicy") is { } defaultError)
        {
            yield return defaultError;
        }

        foreach (var (level, policy) in PriorityQueuePolicy ?? new Dictionary<int, QueuePolicyConfig>())
        {
            string field = $"dynamicBatching.priorityQueuePolicy.{level}";
            if (level < 1 || level > PriorityLevels)
            {
                yield return $"{field}: the level must be between 1 and priorityLevels ({PriorityLevels})";
            }
            else if (policy is null)
            {
                yield return $"{field} must be an object";
            }
            else if (policy.Check(field) is { } error)
            {
                yield return error;
            }
        }
    }
}

/// <summary>
/// Triton's <c>ModelQueuePolicy</c>: what happens to the requests of one priority level while they wait for a batch.
/// </summary>
public sealed record QueuePolicyConfig
{
    /// <summary>Triton's default policy: no timeout, no queue limit of its own.</summary>
    public static QueuePolicyConfig None { get; } = new();

    /// <summary>
    /// <c>REJECT</c> (the default): a request still waiting when its timeout expires is answered 503 / UNAVAILABLE
    /// "Request timeout expired"; <c>DELAY</c>: it moves behind the level's requests whose timeouts have not expired and is
    /// still served.
    /// </summary>
    public string TimeoutAction { get; set; } = "REJECT";

    /// <summary>How long a request may wait for a batch, in microseconds; 0 (the default): no limit but the serving timeout.</summary>
    public long DefaultTimeoutMicroseconds { get; set; }

    /// <summary>
    /// Whether a request's <c>timeout</c> parameter applies. As in Triton it only shortens
    /// <see cref="DefaultTimeoutMicroseconds"/>: with no default timeout (0) a request's own has no effect.
    /// </summary>
    public bool AllowTimeoutOverride { get; set; }

    /// <summary>Requests of the level that may wait; one more is refused (429). 0 (the default): only the model's <c>maxQueueSize</c> bounds them.</summary>
    public int MaxQueueSize { get; set; }

    /// <summary>Whether timed-out requests are delayed rather than rejected.</summary>
    public bool Delays => string.Equals(TimeoutAction, "DELAY", StringComparison.OrdinalIgnoreCase);

    internal string? Check(string field) =>
        !string.Equals(TimeoutAction, "REJECT", StringComparison.OrdinalIgnoreCase) && !Delays
            ? $"{field}.timeoutAction must be REJECT or DELAY"
            : DefaultTimeoutMicroseconds < 0 ? $"{field}.defaultTimeoutMicroseconds must be >= 0"
            : MaxQueueSize < 0 ? $"{field}.maxQueueSize must be >= 0"
            : null;
}
