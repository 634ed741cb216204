namespace MaaS.Models.OpenInference;

/// <summary>Triton's priority fields of <c>ModelDynamicBatching</c> as the config answers them (HTTP and gRPC alike).</summary>
/// <param name="PriorityLevels"><c>priority_levels</c>.</param>
/// <param name="DefaultPriorityLevel"><c>default_priority_level</c>.</param>
/// <param name="DefaultQueuePolicy"><c>default_queue_policy</c>.</param>
/// <param name="PriorityQueuePolicy"><c>priority_queue_policy</c>, by level; null when no level has its own.</param>
internal sealed record V2Priorities(
    int PriorityLevels, int DefaultPriorityLevel, V2QueuePolicy DefaultQueuePolicy, IReadOnlyDictionary<string, V2QueuePolicy>? PriorityQueuePolicy)
{
    /// <summary>
    /// The fields of a model that sets levels or a queue policy; null for one that sets neither (its answer stays as it
    /// was). The default policy's <c>max_queue_size</c> is its own when set, else the model's <c>maxQueueSize</c>, which
    /// bounds every queue.
    /// </summary>
    public static V2Priorities? Of(Registry.DynamicBatchingConfig batching)
    {
        if (batching.PriorityLevels == 0 && batching.DefaultQueuePolicy is null && batching.PriorityQueuePolicy is null)
        {
            return null;
        }

        return new V2Priorities(
            batching.PriorityLevels,
            batching.DefaultPriorityLevel,
            V2QueuePolicy.Of(batching.DefaultQueuePolicy ?? QueuePolicyConfig.None, batching.MaxQueueSize),
            batching.PriorityQueuePolicy?.ToDictionary(
                entry => entry.Key.ToString(CultureInfo.InvariantCulture), entry => V2QueuePolicy.Of(entry.Value, batching.MaxQueueSize)));
    }
}

/// <summary>Triton's <c>ModelQueuePolicy</c>.</summary>
/// <param name="TimeoutAction"><c>REJECT</c> or <c>DELAY</c>.</param>
/// <param name="DefaultTimeoutMicroseconds">0: none.</param>
/// <param name="AllowTimeoutOverride">Whether a request's <c>timeout</c> may shorten it.</param>
/// <param name="MaxQueueSize">Requests of the level that may wait.</param>
internal sealed record V2QueuePolicy(
    [property: JsonPropertyName("timeout_action")] string TimeoutAction,
    [property: JsonPropertyName("default_timeout_microseconds")] long DefaultTimeoutMicroseconds,
    [property: JsonPropertyName("allow_timeout_override")] bool AllowTimeoutOverride,
    [property: JsonPropertyName("max_queue_size")] int MaxQueueSize)
{
    public static V2QueuePolicy Of(QueuePolicyConfig policy, int modelQueueSize) => new(
        policy.Delays ? "DELAY" : "REJECT",
        policy.DefaultTimeoutMicroseconds,
        policy.AllowTimeoutOverride,
        policy.MaxQueueSize is > 0 and var own && own < modelQueueSize ? own : modelQueueSize);
}
