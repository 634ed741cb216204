using System.Text.Json;
using MaaS.Gateway.Contracts.V2;

namespace MaaS.Gateway.Endpoints.V2;

/// <summary>
/// Which outputs go back as binary (binary tensor data extension): every output when the request parameter
/// <c>binary_data_output</c> is true, overridden per requested output by its <c>binary_data</c> parameter (Triton's rule).
/// </summary>
internal sealed class V2OutputEncoding
{
    private const string BinaryDataOutput = "binary_data_output";
    private const string BinaryData = "binary_data";

    private readonly bool _default;
    private readonly Dictionary<string, bool>? _perOutput;

    private V2OutputEncoding(bool defaultBinary, Dictionary<string, bool>? perOutput)
    {
        _default = defaultBinary;
        _perOutput = perOutput;
    }

    /// <summary>The encoding the request asks for, or null with the reason when a parameter is not a boolean.</summary>
    public static V2OutputEncoding? Parse(V2InferRequest request, out string? error)
    {
        if (!TryGetFlag(request.Parameters, BinaryDataOutput, "the request", out bool? all, out error))
        {
            return null;
        }

        Dictionary<string, bool>? perOutput = null;
        foreach (var output in request.Outputs ?? [])
        {
            if (!TryGetFlag(output.Parameters, BinaryData, $"output '{output.Name}'", out bool? binary, out error))
            {
                return null;
            }

            if (binary is bool b)
            {
                (perOutput ??= new(StringComparer.Ordinal))[output.Name] = b;
            }
        }

        error = null;
        return new V2OutputEncoding(all ?? false, perOutput);
    }

    /// <summary>Whether the output named <paramref name="name"/> is sent as binary.</summary>
    public bool IsBinary(string name) => _perOutput is not null && _perOutput.TryGetValue(name, out bool binary) ? binary : _default;

    private static bool TryGetFlag(Dictionary<string, JsonElement>? parameters, string key, string owner, out bool? value, out string? error)
    {
        value = null;
        error = null;
        if (parameters is null || !parameters.TryGetValue(key, out var element))
        {
            return true;
        }

        if (element.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            error = $"{owner} has parameters.{key} {element.ValueKind.ToString().ToLowerInvariant()}; true or false is expected";
            return false;
        }

        value = element.GetBoolean();
        return true;
    }
}
