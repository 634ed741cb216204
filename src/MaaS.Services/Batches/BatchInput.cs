namespace MaaS.Services.Batches;

/// <summary>One request of a batch's input file.</summary>
/// <param name="Line">Its 1-based line in the file.</param>
/// <param name="CustomId">The caller's id of the request, unique in the file.</param>
/// <param name="Body">The request's body, as the endpoint would read it.</param>
internal sealed record BatchRequest(int Line, string CustomId, JsonElement Body);

/// <summary>
/// Reads a batch's input file, OpenAI's JSONL of <c>{"custom_id", "method": "POST", "url", "body"}</c>, checking the whole
/// file first as OpenAI does: a line that is not such an object, a duplicate <c>custom_id</c>, a url other than the
/// batch's endpoint fail the batch with every problem listed (up to <see cref="MaxErrors"/>). The bodies are checked
/// later, line by line, by the endpoint's own validation: a bad body is an answered line, not a failed batch.
/// </summary>
internal static class BatchInput
{
    /// <summary>Most problems listed for one file.</summary>
    public const int MaxErrors = 100;

    public static Result<IReadOnlyList<BatchRequest>> Read(ReadOnlySpan<byte> file, string endpoint, int maxRequests, out List<BatchError> errors)
    {
        errors = [];
        var requests = new List<BatchRequest>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int number = 0;
        while (!file.IsEmpty && errors.Count < MaxErrors)
        {
            number++;
            int end = file.IndexOf((byte)'\n');
            var line = end < 0 ? file : file[..end];
            file = end < 0 ? [] : file[(end + 1)..];
            if (line.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            if (Check(line, number, endpoint, seen, errors) is { } request)
            {
                requests.Add(request);
            }
        }

        if (errors.Count == 0 && requests.Count == 0)
        {
            errors.Add(new BatchError("empty_file", "the input file has no requests", null, null));
        }
        else if (requests.Count + errors.Count > maxRequests)
        {
            errors.Add(new BatchError("too_many_requests", $"the input file has more than {maxRequests} requests, the most one batch may hold", null, null));
        }

        return errors.Count == 0 ? requests : Error.Invalid("input_file_id", $"the input file has {errors.Count} problem(s), the first on line {errors[0].Line}: {errors[0].Message}");
    }

    private static BatchRequest? Check(ReadOnlySpan<byte> line, int number, string endpoint, HashSet<string> seen, List<BatchError> errors)
    {
        BatchInputLine? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(line, BatchJsonContext.Default.BatchInputLine);
        }
        catch (JsonException e)
        {
            errors.Add(new BatchError("invalid_json_line", $"line {number} is not a JSON object of custom_id, method, url and body: {e.Message}", null, number));
            return null;
        }

        string? problem = parsed switch
        {
            null => "is null; each line is an object of custom_id, method, url and body",
            { CustomId: null or "" } => "has no custom_id",
            { Method: not "POST" } => $"has method '{parsed.Method}'; every request is a POST",
            { Body.ValueKind: not JsonValueKind.Object } => "has no body object",
            _ => null,
        };
        if (problem is not null)
        {
            errors.Add(new BatchError("invalid_request", $"line {number} {problem}", null, number));
            return null;
        }

        if (parsed!.Url != endpoint)
        {
            errors.Add(new BatchError("mismatched_endpoint", $"line {number} has url '{parsed.Url}', not the batch's endpoint '{endpoint}'", "url", number));
            return null;
        }

        if (!seen.Add(parsed.CustomId!))
        {
            errors.Add(new BatchError("duplicate_custom_id", $"line {number} repeats the custom_id '{parsed.CustomId}'; each must be unique", "custom_id", number));
            return null;
        }

        return new BatchRequest(number, parsed.CustomId!, parsed.Body.Clone());
    }
}
