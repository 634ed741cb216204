namespace MaaS.Models.Text.Serving;

/// <summary>
/// What serving knows about one loaded text model version, read from its ONNX file: the featurizer it was trained
/// with, labels, activation, thresholds, and the weight table (for explanations). Immutable, thread-safe.
/// </summary>
public sealed class TextModelProfile
{
    internal TextModelProfile(string name, long version, LinearTextModel model, IReadOnlyDictionary<string, string> metadata)
    {
        Name = name;
        Version = version;
        Model = model;
        Task = metadata.GetValueOrDefault("maas.task");
        Thresholds = metadata.TryGetValue(TextModelMetadata.Thresholds, out string? json)
            ? System.Text.Json.JsonSerializer.Deserialize(json, TextJsonContext.Default.SingleArray)
            : null;
        var groups = metadata.TryGetValue(TextModelMetadata.LabelGroups, out string? groupsJson)
            ? System.Text.Json.JsonSerializer.Deserialize(groupsJson, TextJsonContext.Default.Int32Array)
            : null;
        LabelGroups = groups?.Length == model.Labels.Count ? groups : null;
    }

    /// <summary>Model name.</summary>
    public string Name { get; }

    /// <summary>Version.</summary>
    public long Version { get; }

    /// <summary>Task from the model metadata (sentiment, tagging), when present.</summary>
    public string? Task { get; }

    /// <summary>The C# twin of the ONNX model: featurizer, labels, activation, weights.</summary>
    public LinearTextModel Model { get; }

    /// <summary>The featurizer serving must use for this version.</summary>
    public TextFeaturizer Featurizer => Model.Featurizer;

    /// <summary>Labels in output order.</summary>
    public IReadOnlyList<string> Labels => Model.Labels;

    /// <summary>Per-label decision thresholds (multi-label models), or null.</summary>
    public float[]? Thresholds { get; }

    /// <summary>Each label's group, or null: decided tags keep to the most probable label's group.</summary>
    public int[]? LabelGroups { get; }
}
