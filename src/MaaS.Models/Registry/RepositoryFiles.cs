namespace MaaS.Models.Registry;

/// <summary>
/// The file names of the model repository layout (MODEL-REPO.md): <c>&lt;model&gt;/model.json</c> beside the numbered
/// version folders, and <c>model.onnx</c> and <c>card.json</c> in each version folder. The one place they are named,
/// for the registry that reads the layout and for everything that writes it.
/// </summary>
public static class RepositoryFiles
{
    /// <summary>The model's configuration, beside its version folders.</summary>
    public const string Config = "model.json";

    /// <summary>The ONNX graph of a version.</summary>
    public const string Onnx = "model.onnx";

    /// <summary>The model card of a version.</summary>
    public const string Card = "card.json";
}
