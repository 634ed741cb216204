namespace MaaS.Models.Text.Modeling;

/// <summary>
/// Per-version model card (<c>models/&lt;name&gt;/&lt;version&gt;/card.json</c>): what the model was trained on, how
/// well it does, and everything serving needs to featurize identically. Immutable.
/// </summary>
public sealed record TextModelCard
{
    /// <summary>Model name (folder under <c>models/</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Version (folder name).</summary>
    public required int Version { get; init; }

    /// <summary>Task, as in model.json.</summary>
    public required string Task { get; init; }

    /// <summary>Labels in output order.</summary>
    public required string[] Labels { get; init; }

    /// <summary><c>softmax</c> or <c>sigmoid</c>.</summary>
    public required string Activation { get; init; }

    /// <summary>Per-label decision thresholds on the probability (multi-label models).</summary>
    public float[]? Thresholds { get; init; }

    /// <summary>Each label's group (multi-label models whose decisions keep to the best label's group), or null.</summary>
    public int[]? LabelGroups { get; init; }

    /// <summary>UTC build date (ISO 8601).</summary>
    public required string Date { get; init; }

    /// <summary>Training data: source, size, split.</summary>
    public required Dictionary<string, string> Data { get; init; }

    /// <summary>Evaluation metrics (accuracy, F1, ...), fractions in [0, 1].</summary>
    public required Dictionary<string, double> Metrics { get; init; }

    /// <summary>Trainer and its hyper-parameters.</summary>
    public required Dictionary<string, string> Training { get; init; }

    /// <summary>The featurizer settings; serving must build its featurizer from these.</summary>
    public required TextFeaturizerSettings Featurizer { get; init; }

    /// <summary>The command that rebuilds this version.</summary>
    public string? Command { get; init; }

    /// <summary>Serialises to indented camelCase JSON.</summary>
    public string ToJson() => TextJson.Serialize(this);

    /// <summary>Parses a card; null when the JSON does not match.</summary>
    public static TextModelCard? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, TextJsonContext.Default.TextModelCard);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
