namespace MaaS.Services.Training;

/// <summary>What a training run is asked to do, stored as the job's request JSON.</summary>
/// <param name="Model">Model name (the card name; published as <c>&lt;tenant&gt;.&lt;model&gt;</c>).</param>
/// <param name="MultiLabel">Multi-label (a sigmoid per label) instead of single-label.</param>
/// <param name="Folds">Cross-validation folds.</param>
/// <param name="Lambdas">L2 strengths to try, or null for the default grid.</param>
/// <param name="FeatureSets">Feature sets to try, or null for all.</param>
/// <param name="Rows">Rows in the dataset.</param>
/// <param name="Labels">Labels in output order (ordinal order of their names).</param>
internal sealed record TrainingSpec(
    string Model, bool MultiLabel, int Folds, IReadOnlyList<double>? Lambdas, IReadOnlyList<string>? FeatureSets, int Rows, IReadOnlyList<string> Labels);

/// <summary>One labelled row.</summary>
/// <param name="Text">The text.</param>
/// <param name="Labels">Its labels (one for single-label).</param>
internal sealed record TrainingRow(string Text, string[] Labels);

/// <summary>
/// A validated dataset: the spec and the rows, with the canonical bytes stored with the job (JSON Lines of
/// <c>{"text","labels"}</c>, whatever the upload's format) and their SHA-256, the dataset's fingerprint.
/// </summary>
internal sealed class TrainingDataset
{
    public TrainingDataset(TrainingSpec spec, IReadOnlyList<TrainingRow> rows)
    {
        Spec = spec;
        Rows = rows;
        using var buffer = new MemoryStream();
        foreach (var row in rows)
        {
            JsonSerializer.Serialize(buffer, row, TrainingJsonContext.Default.TrainingRow);
            buffer.WriteByte((byte)'\n');
        }

        Canonical = buffer.ToArray();
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Canonical));
    }

    public TrainingSpec Spec { get; }

    public IReadOnlyList<TrainingRow> Rows { get; }

    public byte[] Canonical { get; }

    public string Sha256 { get; }

    /// <summary>Reads the canonical bytes back (a job's stored input).</summary>
    public static IReadOnlyList<TrainingRow> ReadCanonical(byte[] canonical)
    {
        var rows = new List<TrainingRow>();
        foreach (var line in Encoding.UTF8.GetString(canonical).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            rows.Add(JsonSerializer.Deserialize(line, TrainingJsonContext.Default.TrainingRow)!);
        }

        return rows;
    }
}

/// <summary>Source-generated JSON of the training records (camelCase).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TrainingSpec))]
[JsonSerializable(typeof(TrainingRow))]
[JsonSerializable(typeof(TrainingOutcome))]
[JsonSerializable(typeof(TrainingMetrics))]
[JsonSerializable(typeof(TrainingRequest))]
internal sealed partial class TrainingJsonContext : JsonSerializerContext;
