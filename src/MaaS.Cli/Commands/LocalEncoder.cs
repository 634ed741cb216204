using System.Text.Json;
using MaaS.Models.Embeddings;
using MaaS.Models.Inference;
using MaaS.Models.Onnx;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace MaaS.Cli.Commands;

/// <summary>
/// The repository's sentence-embedding model run in this process for offline evaluations (the same loader and model
/// class the gateway serves, without the registry's batcher): texts in, unit vectors out. Made by
/// <see cref="LoadAsync"/>. Caller disposes.
/// </summary>
internal sealed class LocalEncoder(SentenceEmbeddingModel model, string name, long version, string queryPrefix) : IDisposable
{
    private const int Batch = 64;

    private readonly SentenceEmbeddingModel _model = model;

    public string Name { get; } = name;

    public long Version { get; } = version;

    /// <summary>What the card says a search query starts with (arctic-embed's instruction), or empty.</summary>
    public string QueryPrefix { get; } = queryPrefix;

    /// <summary>Loads the highest version of <paramref name="name"/> under <paramref name="repository"/>, or returns null after saying why.</summary>
    public static async Task<LocalEncoder?> LoadAsync(string repository, string name)
    {
        string directory = Path.Combine(repository, name);
        var version = Directory.Exists(directory)
            ? Directory.GetDirectories(directory).Select(d => long.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out long v) ? v : -1).DefaultIfEmpty(-1).Max()
            : -1;
        if (version < 1 || ModelConfigReader.TryParse(await File.ReadAllTextAsync(Path.Combine(directory, RepositoryFiles.Config)).ConfigureAwait(false), out string? error) is not { } config)
        {
            AnsiConsole.MarkupLineInterpolated(CultureInfo.InvariantCulture, $"[red]No sentence-embedding model {name} in {repository} (build MaaS.Models to extract it, or pass --models).[/]");
            return null;
        }

        string versionDirectory = Path.Combine(directory, version.ToString(CultureInfo.InvariantCulture));
        var options = Options.Create(new ServingOptions { RepositoryPath = repository, ExecutionProvider = ExecutionProviderKind.Cpu });
        var loader = new SentenceEmbeddingLoader(options, NullLogger<OnnxModelLoader>.Instance);
        using var card = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(versionDirectory, RepositoryFiles.Card)).ConfigureAwait(false));
        var loaded = await loader.LoadAsync(new ModelLoadContext(name, version, versionDirectory, config, card.RootElement.Clone()), CancellationToken.None).ConfigureAwait(false);
        string prefix = card.RootElement.TryGetProperty("queryPrefix", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString()! : "";
        return new LocalEncoder((SentenceEmbeddingModel)loaded, name, version, prefix);
    }

    /// <summary>One unit vector per text, in order, embedded in batches of 64.</summary>
    public float[][] Embed(IReadOnlyList<string> texts, IProgress<int>? progress = null)
    {
        var vectors = new float[texts.Count][];
        int d = _model.Settings.Dimensions;
        for (int start = 0; start < texts.Count; start += Batch)
        {
            string[] chunk = [.. texts.Skip(start).Take(Batch)];
            var outputs = _model.Run([InferTensor.Bytes(SentenceEmbeddingModel.TextInput, chunk, chunk.Length)], [SentenceEmbeddingModel.EmbeddingOutput], out _);
            var flat = (float[])outputs[0].Data;
            for (int i = 0; i < chunk.Length; i++)
            {
                vectors[start + i] = flat.AsSpan(i * d, d).ToArray();
            }

            progress?.Report(start + chunk.Length);
        }

        return vectors;
    }

    public void Dispose() => _model.Dispose();
}
