namespace MaaS.Models.OpenInference;

/// <summary>
/// Triton's sequence request parameters, over HTTP and gRPC alike: <c>sequence_id</c> (the correlation id, a whole number
/// or a string), <c>sequence_start</c> and <c>sequence_end</c> (booleans). A request that gives none names no sequence.
/// </summary>
internal static class V2SequenceParameters
{
    public const string Id = "sequence_id";
    public const string Start = "sequence_start";
    public const string End = "sequence_end";

    /// <summary>The request with the sequence a JSON body's parameters name, or the first bad parameter.</summary>
    public static Result<InferenceRequest> Apply(InferenceRequest request, Dictionary<string, JsonElement>? parameters)
    {
        if (parameters is null || !(parameters.ContainsKey(Id) || parameters.ContainsKey(Start) || parameters.ContainsKey(End)))
        {
            return request;
        }

        SequenceId id = default;
        if (parameters.TryGetValue(Id, out var given))
        {
            if (given.ValueKind == JsonValueKind.Number && given.TryGetUInt64(out ulong number))
            {
                id = new SequenceId(number);
            }
            else if (given.ValueKind == JsonValueKind.String)
            {
                id = new SequenceId(0, given.GetString());
            }
            else
            {
                return InvalidId(given.ValueKind == JsonValueKind.Number ? "a number that is not" : $"a {Kind(given.ValueKind)}, not");
            }
        }

        bool start = false, end = false;
        foreach (var (name, flag) in new[] { (Start, 0), (End, 1) })
        {
            if (!parameters.TryGetValue(name, out var element))
            {
                continue;
            }

            if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                return InvalidFlag(name, $"{Kind(element.ValueKind)}, not");
            }

            _ = flag == 0 ? start = element.GetBoolean() : end = element.GetBoolean();
        }

        return request with { Sequence = new SequenceControl(id, start, end) };
    }

    /// <summary>The refusal of a <c>sequence_id</c> given as <paramref name="given"/>.</summary>
    public static Error InvalidId(string given) =>
        V2Mapping.Invalid($"parameters.{Id} is {given} a whole number >= 0 or a string (the sequence's correlation id)");

    /// <summary>The refusal of a flag given as <paramref name="given"/>.</summary>
    public static Error InvalidFlag(string name, string given) =>
        V2Mapping.Invalid($"parameters.{name} is a {given} a boolean");

    private static string Kind(JsonValueKind kind) => kind.ToString().ToLowerInvariant();
}
