namespace MaaS.Models.Text.Modeling;

/// <summary>
/// Writes a trained text model into the model repository layout (MODEL-REPO.md):
/// <c>models/&lt;name&gt;/model.json</c>, <c>models/&lt;name&gt;/&lt;version&gt;/model.onnx</c> and <c>card.json</c>.
/// </summary>
public static class TextModelRepository
{
    /// <summary>
    /// Writes the version folder <paramref name="versionDirectory"/> (whose name must be a positive integer) and the
    /// model.json beside it. Each file is replaced atomically.
    /// </summary>
    public static void Write(string versionDirectory, LinearTextModel model, TextModelCard card, TextModelConfig config)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(card);
        ArgumentNullException.ThrowIfNull(config);
        string full = Path.GetFullPath(versionDirectory.TrimEnd('/', '\\'));
        Directory.CreateDirectory(full);
        var metadata = OnnxMetadata(card);
        WriteAtomically(Path.Combine(full, RepositoryFiles.Onnx), model.ToOnnx(card.Name, metadata));
        WriteAtomically(Path.Combine(full, RepositoryFiles.Card), System.Text.Encoding.UTF8.GetBytes(card.ToJson() + "\n"));
        WriteAtomically(Path.Combine(Path.GetDirectoryName(full)!, RepositoryFiles.Config), System.Text.Encoding.UTF8.GetBytes(config.ToJson() + "\n"));
    }

    /// <summary>The ONNX metadata_props written beside the model's own (name, version, task, thresholds).</summary>
    public static Dictionary<string, string> OnnxMetadata(TextModelCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["maas.name"] = card.Name,
            ["maas.version"] = card.Version.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["maas.task"] = card.Task,
        };
        if (card.Thresholds is not null)
        {
            metadata[TextModelMetadata.Thresholds] = TextJson.Serialize(card.Thresholds);
        }

        if (card.LabelGroups is not null)
        {
            metadata[TextModelMetadata.LabelGroups] = TextJson.Serialize(card.LabelGroups);
        }

        return metadata;
    }

    /// <summary>Parses a version folder's name: the version number, or null when it is not a positive integer.</summary>
    public static int? VersionOf(string versionDirectory) =>
        int.TryParse(Path.GetFileName(Path.GetFullPath(versionDirectory).TrimEnd('/', '\\')), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int v) && v > 0 ? v : null;

    private static void WriteAtomically(string path, byte[] bytes)
    {
        string temp = path + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
