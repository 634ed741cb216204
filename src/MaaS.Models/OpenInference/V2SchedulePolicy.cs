namespace MaaS.Models.OpenInference;

/// <summary>
/// Triton's schedule policy extension: the request parameters <c>priority</c> (1 the highest level, 0 the model's default)
/// and <c>timeout</c> (microseconds a request may wait for a batch), whole numbers of at least 0 over HTTP and gRPC alike.
/// </summary>
internal static class V2SchedulePolicy
{
    public const string Priority = "priority";
    public const string Timeout = "timeout";

    /// <summary>The request with the parameters given in a JSON body, or the first bad one.</summary>
    public static Result<InferenceRequest> Apply(InferenceRequest request, Dictionary<string, JsonElement>? parameters)
    {
        if (parameters is null)
        {
            return request;
        }

        ulong? priority = null, timeout = null;
        foreach (var (name, element) in parameters)
        {
            if (name is not (Priority or Timeout))
            {
                continue;
            }

            if (element.ValueKind != JsonValueKind.Number || !element.TryGetUInt64(out ulong value))
            {
                return Invalid(name, element.ValueKind == JsonValueKind.Number ? "a number that is not" : $"a {element.ValueKind.ToString().ToLowerInvariant()}, not");
            }

            _ = name == Priority ? priority = value : timeout = value;
        }

        return priority is null && timeout is null ? request
            : request with { Priority = priority ?? 0, QueueTimeoutMicroseconds = timeout ?? 0 };
    }

    /// <summary>The refusal of a parameter <paramref name="name"/> given as <paramref name="given"/>.</summary>
    public static Error Invalid(string name, string given) =>
        V2Mapping.Invalid($"parameters.{name} is {given} a whole number >= 0 ({(name == Priority ? "the priority level, 1 the highest, 0 the model's default" : "microseconds the request may wait in the queue")})");
}
