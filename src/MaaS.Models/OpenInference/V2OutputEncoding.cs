namespace MaaS.Models.OpenInference;

/// <summary>
/// Which outputs go back as binary (binary tensor data extension): every output when the request parameter
/// <c>binary_data_output</c> is true, overridden per requested output by its <c>binary_data</c> parameter (Triton's rule).
/// </summary>
internal sealed class V2OutputEncoding
{
    private const string BinaryDataOutput = "binary_data_output";
    private const string BinaryData = "binary_data";

    // Requests without per-output flags share these: no allocation per request.
    private static readonly V2OutputEncoding AllJson = new(false, null);
    private static readonly V2OutputEncoding AllBinary = new(true, null);

    private readonly bool _default;
    private readonly Dictionary<string, bool>? _perOutput;

    private V2OutputEncoding(bool defaultBinary, Dictionary<string, bool>? perOutput)
    {
        _default = defaultBinary;
        _perOutput = perOutput;
    }

    /// <summary>The encoding the request asks for, or why not (a parameter that is not a boolean).</summary>
    public static Result<V2OutputEncoding> Parse(V2InferRequest request)
    {
        if (!Flag(request.Parameters, BinaryDataOutput, "the request").TryGetValue(out bool? all, out var error))
        {
            return error;
        }

        Dictionary<string, bool>? perOutput = null;
        foreach (var output in request.Outputs ?? [])
        {
            if (!Flag(output.Parameters, BinaryData, $"output '{output.Name}'").TryGetValue(out bool? binary, out error))
            {
                return error;
            }

            if (binary is bool b)
            {
                (perOutput ??= new(StringComparer.Ordinal))[output.Name] = b;
            }
        }

        return perOutput is not null ? new V2OutputEncoding(all ?? false, perOutput) : all == true ? AllBinary : AllJson;
    }

    /// <summary>Whether the output named <paramref name="name"/> is sent as binary.</summary>
    public bool IsBinary(string name) => _perOutput is not null && _perOutput.TryGetValue(name, out bool binary) ? binary : _default;

    private static Result<bool?> Flag(Dictionary<string, JsonElement>? parameters, string key, string owner)
    {
        if (parameters is null || !parameters.TryGetValue(key, out var element))
        {
            return Result<bool?>.Ok(null);
        }

        return element.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? element.GetBoolean()
            : V2Mapping.Invalid($"{owner} has parameters.{key} {element.ValueKind.ToString().ToLowerInvariant()}; true or false is expected");
    }
}
