namespace MaaS.Models.OpenInference;

/// <summary>
/// Finds the first JSON <c>null</c> in an infer request: null is never a value there (an optional member is left out,
/// not nulled), so each one is refused by its path rather than read as absent or left to fail later.
/// </summary>
internal static class V2NullCheck
{
    /// <summary>For contract setters: records <paramref name="member"/> in <paramref name="first"/> when the JSON set it to null.</summary>
    public static T Note<T>(T value, string member, ref string? first)
    {
        if (value is null)
        {
            first ??= member;
        }

        return value;
    }

    /// <summary>The path of the first null in the request (<c>inputs[0].parameters.note</c>), or null when there is none.</summary>
    /// <remarks>Tensor data is not walked here: its decoder refuses a null element with the element's index.</remarks>
    public static string? Find(V2InferRequest request)
    {
        if (request.NullMember is { } member)
        {
            return member;
        }

        if (Find(request.Parameters) is { } inParameters)
        {
            return "parameters" + inParameters;
        }

        for (int i = 0; i < request.Inputs.Count; i++)
        {
            var input = request.Inputs[i];
            string? inInput = input is null ? ""
                : input.NullMember is { } inputMember ? "." + inputMember
                : input.Data.ValueKind == JsonValueKind.Null ? ".data"
                : Find(input.Parameters) is { } inInputParameters ? ".parameters" + inInputParameters
                : null;
            if (inInput is not null)
            {
                return $"inputs[{i}]{inInput}";
            }
        }

        for (int i = 0; i < (request.Outputs?.Count ?? 0); i++)
        {
            var output = request.Outputs![i];
            string? inOutput = output is null ? ""
                : output.NullMember is { } outputMember ? "." + outputMember
                : Find(output.Parameters) is { } inOutputParameters ? ".parameters" + inOutputParameters
                : null;
            if (inOutput is not null)
            {
                return $"outputs[{i}]{inOutput}";
            }
        }

        return null;
    }

    // Paths are built only on the way back from a null, so a request without one allocates nothing here.
    private static string? Find(Dictionary<string, JsonElement>? parameters)
    {
        if (parameters is null)
        {
            return null;
        }

        foreach (var (key, value) in parameters)
        {
            if (Find(value) is { } found)
            {
                return $".{key}{found}";
            }
        }

        return null;
    }

    // Parameter values are small; the parser already bounds their depth.
    private static string? Find(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Null:
                return "";
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (Find(property.Value) is { } found)
                    {
                        return $".{property.Name}{found}";
                    }
                }

                return null;
            case JsonValueKind.Array:
                int index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (Find(item) is { } found)
                    {
                        return $"[{index}]{found}";
                    }

                    index++;
                }

                return null;
            default:
                return null;
        }
    }
}
