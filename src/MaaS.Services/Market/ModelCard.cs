using MaaS.Models.Onnx;

namespace MaaS.Services.Market;

/// <summary>
/// The <c>card</c> part of an upload: the fields the market reads; the whole JSON object is also kept as the
/// version's card.json (so metrics, data and training notes travel with it).
/// </summary>
internal sealed record ModelCard(
    string Name,
    string? Task,
    string? Description,
    IReadOnlyList<string> Tags,
    IReadOnlyList<string> Labels,
    ModelVisibility Visibility,
    IReadOnlyList<string>? Inputs,
    IReadOnlyList<string>? Outputs,
    int? MaxBatchSize,
    JsonElement Raw)
{
    public const int MaxCardBytes = 256 * 1024;

    /// <summary>Parses and checks the card; every broken rule is reported.</summary>
    public static ModelCard? Parse(string json, out IReadOnlyList<string> problems)
    {
        var errors = new List<string>();
        problems = errors;
        if (json.Length > MaxCardBytes)
        {
            errors.Add($"card is larger than {MaxCardBytes} bytes");
            return null;
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            errors.Add($"card is not valid JSON: {e.Message}");
            return null;
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            errors.Add("card must be a JSON object");
            return null;
        }

        string? name = Text(root, "name", 64, errors, required: true);
        if (name is not null && !ModelListing.IsValidName(name))
        {
            errors.Add("card.name must be 1-64 of [a-z0-9-_], starting with a letter or digit");
        }

        string? task = Text(root, "task", 64, errors, required: true);
        string? description = Text(root, "description", 4096, errors, required: false);
        var tags = Strings(root, "tags", 32, 64, errors) ?? [];
        var labels = Strings(root, "labels", 100_000, 256, errors) ?? [];
        var inputs = Strings(root, "inputs", 1024, 256, errors);
        var outputs = Strings(root, "outputs", 1024, 256, errors);
        var visibility = ModelVisibility.Private;
        if (Text(root, "visibility", 16, errors, required: false) is { } v)
        {
            if (ParseVisibility(v) is { } parsed)
            {
                visibility = parsed;
            }
            else
            {
                errors.Add("card.visibility must be private, tenant or public");
            }
        }

        int? maxBatch = null;
        if (root.TryGetProperty("maxBatchSize", out var mb))
        {
            if (mb.ValueKind == JsonValueKind.Number && mb.TryGetInt32(out int m) && m is >= 0 and <= 4096)
            {
                maxBatch = m;
            }
            else
            {
                errors.Add("card.maxBatchSize must be an integer 0..4096");
            }
        }

        return errors.Count == 0
            ? new ModelCard(name!, task, description, tags, labels, visibility, inputs, outputs, maxBatch, root)
            : null;
    }

    /// <summary>
    /// One of the three documented words, in any ASCII case; nothing else. Not Enum.TryParse: it takes numbers ("7",
    /// "-1") and flag lists ("Private, Public"), which are not visibilities.
    /// </summary>
    internal static ModelVisibility? ParseVisibility(string text) =>
        Ascii.EqualsIgnoreCase(text, "private") ? ModelVisibility.Private
        : Ascii.EqualsIgnoreCase(text, "tenant") ? ModelVisibility.Tenant
        : Ascii.EqualsIgnoreCase(text, "public") ? ModelVisibility.Public
        : null;

    private static string? Text(JsonElement root, string field, int max, List<string> errors, bool required)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            if (required)
            {
                errors.Add($"card.{field} is required");
            }

            return null;
        }

        if (value.ValueKind != JsonValueKind.String || value.GetString() is not { } text || text.Length > max || text.Any(char.IsControl) && field != "description")
        {
            errors.Add($"card.{field} must be a string of at most {max} characters");
            return null;
        }

        return text;
    }

    private static List<string>? Strings(JsonElement root, string field, int maxCount, int maxLength, List<string> errors)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() > maxCount
            || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String || e.GetString()!.Length is 0 || e.GetString()!.Length > maxLength))
        {
            errors.Add($"card.{field} must be an array of at most {maxCount} non-empty strings of at most {maxLength} characters");
            return null;
        }

        return [.. value.EnumerateArray().Select(e => e.GetString()!)];
    }

    /// <summary>Checks the card against what the model declares; every disagreement is reported.</summary>
    public IReadOnlyList<string> Match(OnnxFacts facts)
    {
        var problems = new List<string>();
        if (Inputs is not null && !Inputs.Order(StringComparer.Ordinal).SequenceEqual(facts.Inputs.Select(i => i.Name).Order(StringComparer.Ordinal)))
        {
            problems.Add($"card.inputs [{string.Join(", ", Inputs)}] do not match the model's inputs [{string.Join(", ", facts.Inputs.Select(i => i.Name))}]");
        }

        if (Outputs is not null && !Outputs.Order(StringComparer.Ordinal).SequenceEqual(facts.Outputs.Select(o => o.Name).Order(StringComparer.Ordinal)))
        {
            problems.Add($"card.outputs [{string.Join(", ", Outputs)}] do not match the model's outputs [{string.Join(", ", facts.Outputs.Select(o => o.Name))}]");
        }

        if (Labels.Count > 0)
        {
            var (name, shape) = facts.Outputs[0];
            long last = shape.Length == 0 ? 1 : shape[^1];
            if (last != Labels.Count)
            {
                problems.Add(last < 0
                    ? $"card has {Labels.Count} labels but output '{name}' has a dynamic last dimension"
                    : $"card has {Labels.Count} labels but output '{name}' has {last} classes (last dimension)");
            }
        }

        if (MaxBatchSize is > 0 && !BatchAxis(facts))
        {
            problems.Add("card.maxBatchSize > 0 needs a dynamic first dimension (-1) in every input and output");
        }

        return problems;
    }

    /// <summary>Whether every input and output starts with a dynamic (batch) axis.</summary>
    public static bool BatchAxis(OnnxFacts facts) =>
        facts.Inputs.Concat(facts.Outputs).All(t => t.Shape.Length > 0 && t.Shape[0] < 0);
}
