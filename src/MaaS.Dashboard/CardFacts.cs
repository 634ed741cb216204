namespace MaaS.Dashboard;

/// <summary>
/// The facts of a model card a reader looks for first: numeric metrics, the data it was trained on, the licence.
/// Cards are free-form JSON, so each is looked up by its usual names, nested at most three levels deep.
/// </summary>
public sealed record CardFacts(IReadOnlyList<KeyValuePair<string, string>> Metrics, string? Data, string? Licence)
{
    public static CardFacts From(JsonElement? card)
    {
        if (card is not { ValueKind: JsonValueKind.Object } root)
        {
            return new CardFacts([], null, null);
        }

        var metrics = new List<KeyValuePair<string, string>>();
        if (root.TryGetProperty("metrics", out var m) && m.ValueKind == JsonValueKind.Object)
        {
            foreach (var p in m.EnumerateObject().Take(12))
            {
                if (p.Value.ValueKind == JsonValueKind.Number)
                {
                    metrics.Add(new(p.Name, p.Value.GetDouble().ToString("0.####", CultureInfo.InvariantCulture)));
                }
                else if (p.Value.ValueKind == JsonValueKind.String)
                {
                    metrics.Add(new(p.Name, p.Value.GetString()!));
                }
            }
        }

        return new CardFacts(metrics, Find(root, ["data", "dataset", "training"], 0), Find(root, ["licence", "license", "packageLicence"], 0));
    }

    private static string? Find(JsonElement element, string[] names, int depth)
    {
        if (element.ValueKind != JsonValueKind.Object || depth > 2)
        {
            return null;
        }

        foreach (var p in element.EnumerateObject())
        {
            if (names.Contains(p.Name, StringComparer.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
            {
                return p.Value.GetString();
            }
        }

        foreach (var p in element.EnumerateObject())
        {
            if (Find(p.Value, names, depth + 1) is { } found)
            {
                return found;
            }
        }

        return null;
    }
}
