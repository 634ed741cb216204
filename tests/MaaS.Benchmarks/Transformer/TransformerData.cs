using MaaS.Models.Onnx;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MaaS.Benchmarks.Transformer;

/// <summary>The texts and the encoder the transformer commands share.</summary>
internal static class TransformerData
{
    public const string Model = "all-minilm-l6-v2";

    public static string ModelDirectory => Path.Combine(SharedData.RepositoryRoot, "models", Model);

    /// <summary>
    /// <paramref name="count"/> texts, half MR sentences and half Netflix descriptions, each half a seeded sample, then
    /// shuffled together so batches mix short and long texts.
    /// </summary>
    public static string[] Texts(int count, int seed = 20261205)
    {
        string data = SharedData.Root ?? throw new InvalidOperationException("../shared/data is missing");
        var random = new Random(seed);
        string[] reviews = [.. MovieReviewCorpus.Load(Path.Combine(data, "sentiment", "mr")).Examples.Select(e => e.Text)];
        string[] descriptions = [.. ContentCorpus.ReadTitles(Path.Combine(data, "content")).Select(t => t.Description)];
        random.Shuffle(reviews);
        random.Shuffle(descriptions);
        string[] texts = [.. reviews.Take(count / 2), .. descriptions.Take(count - (count / 2))];
        random.Shuffle(texts);
        return texts;
    }

    /// <summary>Loads the sentence-embedding model of a version folder as the gateway does (CPU provider, registry defaults).</summary>
    /// <param name="modelDirectory">The model's folder (model.json and version folders).</param>
    /// <param name="version">Version to load.</param>
    /// <param name="intraOpThreads">model.json's <c>intraOpThreads</c> instead of the file's: null keeps the file's.</param>
    public static async Task<SentenceEmbeddingModel> LoadAsync(string modelDirectory, long version, int? intraOpThreads = null)
    {
        string versionDirectory = Path.Combine(modelDirectory, version.ToString(CultureInfo.InvariantCulture));
        var config = ModelConfigReader.TryParse(await File.ReadAllTextAsync(Path.Combine(modelDirectory, "model.json")), out string? error)
            ?? throw new InvalidDataException(error);
        if (intraOpThreads is not null)
        {
            config = config with { IntraOpThreads = intraOpThreads };
        }

        using var card = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(versionDirectory, "card.json")));
        var options = Options.Create(new ServingOptions { RepositoryPath = Path.GetDirectoryName(modelDirectory)!, ExecutionProvider = ExecutionProviderKind.Cpu });
        var loader = new SentenceEmbeddingLoader(options, NullLogger<OnnxModelLoader>.Instance);
        var loaded = await loader.LoadAsync(new ModelLoadContext(Path.GetFileName(modelDirectory), version, versionDirectory, config, card.RootElement.Clone()), CancellationToken.None);
        return (SentenceEmbeddingModel)loaded;
    }

    /// <summary>[texts.Length × dimensions] embeddings, run <paramref name="batch"/> texts at a time.</summary>
    public static float[] Embed(SentenceEmbeddingModel model, IReadOnlyList<string> texts, int batch)
    {
        int d = model.Settings.Dimensions;
        var result = new float[texts.Count * d];
        for (int start = 0; start < texts.Count; start += batch)
        {
            string[] chunk = [.. texts.Skip(start).Take(batch)];
            var outputs = model.Run([InferTensor.Bytes(SentenceEmbeddingModel.TextInput, chunk, chunk.Length)], [SentenceEmbeddingModel.EmbeddingOutput], out _);
            ((float[])outputs[0].Data).CopyTo(result, start * d);
        }

        return result;
    }

    public static int Option(string[] args, string name, int fallback) =>
        TextOption(args, name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public static string? TextOption(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
