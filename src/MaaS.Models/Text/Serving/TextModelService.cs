using System.Collections.Concurrent;
using MaaS.Models.Embeddings;

namespace MaaS.Models.Text.Serving;

/// <summary>
/// Text inference over registry models: validates texts, featurizes them with the featurizer stored in the model
/// version itself, runs them through <see cref="IModelInference"/> (so through the version's dynamic batcher) and
/// returns probabilities per text. Expected failures come back as <see cref="Result{T}"/> values. Thread-safe;
/// register as a singleton.
/// </summary>
public sealed class TextModelService
{
    /// <summary>Most texts per call.</summary>
    public const int MaxTexts = 256;

    /// <summary>Longest text accepted, in UTF-16 characters (longer texts are refused; within it, tokens past the model's limit are dropped).</summary>
    public const int MaxTextLength = 20_000;

    // Padded features per session run (ids and weights: 12 bytes a cell), and the padding a group may always add: a
    // run's fixed cost (tensor set-up, one more batcher turn) is worth about that many cells of Gather and sum.
    private const int MaxCellsPerGroup = 65_536;
    private const int FreeCellsPerGroup = 1_024;

    private readonly IModelRegistry _registry;
    private readonly IModelInference _inference;
    private readonly EmbeddingService? _embeddings;
    private readonly ConcurrentDictionary<(string Name, long Version, DateTimeOffset? LoadedAt), Lazy<(TextModelProfile? Profile, string? Error)>> _profiles = new();

    /// <summary>Creates the service over the registry and its inference entry point.</summary>
    /// <param name="registry">The model registry.</param>
    /// <param name="inference">Runs the models.</param>
    /// <param name="embeddings">Embeds texts for models that take a sentence embedding besides n-grams (content tags v2); without it such models are refused.</param>
    public TextModelService(IModelRegistry registry, IModelInference inference, EmbeddingService? embeddings = null)
    {
        _registry = registry;
        _inference = inference;
        _embeddings = embeddings;
    }

    /// <summary>
    /// Predicts every text with <paramref name="model"/> (its default version when <paramref name="version"/> is null).
    /// Fails with InvalidInput for no texts, more than <see cref="MaxTexts"/>, or a null, blank or over-long text;
    /// ModelNotFound / VersionNotFound / NotReady from the registry; Unsupported when the model is not a MaaS text model.
    /// </summary>
    /// <param name="model">Model name.</param>
    /// <param name="version">Version or null.</param>
    /// <param name="texts">Texts (1..256).</param>
    /// <param name="withTerms">Keep the n-gram behind each feature, for explanations.</param>
    /// <param name="cancellationToken">Client cancellation.</param>
    public async ValueTask<Result<TextPredictions>> PredictAsync(string model, long? version, IReadOnlyList<string?>? texts, bool withTerms, CancellationToken cancellationToken)
    {
        string? invalid = Validate(texts);
        if (invalid is not null)
        {
            return Result<TextPredictions>.Fail(ErrorCode.InvalidRequest, invalid);
        }

        var resolved = Resolve(model, version);
        if (!resolved.IsSuccess)
        {
            return resolved.Cast<TextPredictions>();
        }

        var profile = resolved.Value!;
        var features = new TextFeatures[texts!.Count];
        for (int i = 0; i < features.Length; i++)
        {
            features[i] = profile.Featurizer.Featurize(texts[i]!, withTerms);
        }

        if (profile.Model.Settings.EmbeddingModel is not null)
        {
            var embedded = await AppendEmbeddingsAsync(profile, texts, features, cancellationToken).ConfigureAwait(false);
            if (!embedded.IsSuccess)
            {
                return embedded.Cast<TextPredictions>();
            }
        }

        // Rows of similar length run together, each group padded to its own longest row: one long text no longer
        // pads a whole batch to the 2,048 bucket. Groups go through the batcher concurrently.
        int[] lengths = [.. features.Select(f => f.Count)];
        var groups = LengthGroups.Plan(lengths, MaxCellsPerGroup, LengthGroups.DefaultMaxPaddingRatio, FreeCellsPerGroup);
        var runs = groups.Select(group => RunGroupAsync(profile, [.. group.Select(i => features[i])], cancellationToken).AsTask()).ToArray();
        var results = await Task.WhenAll(runs).ConfigureAwait(false);
        int k = profile.Labels.Count;
        var items = new TextPrediction[features.Length];
        var timings = default(InferenceTimings);
        for (int g = 0; g < groups.Count; g++)
        {
            if (!results[g].TryGetValue(out var run, out var error))
            {
                return error;
            }

            if (run.Probabilities.Length != groups[g].Length * k)
            {
                return Result<TextPredictions>.Fail(ErrorCode.InferenceFailed, $"model '{profile.Name}' returned no [{groups[g].Length}, {k}] probabilities");
            }

            for (int r = 0; r < groups[g].Length; r++)
            {
                int index = groups[g][r];
                items[index] = new TextPrediction(run.Probabilities.AsSpan(r * k, k).ToArray(), features[index]);
            }

            timings = Merge(timings, run.Timings);
        }

        return Result<TextPredictions>.Ok(new TextPredictions(profile, items, timings));
    }

    /// <summary>The profile of a ready version (default when <paramref name="version"/> is null).</summary>
    public Result<TextModelProfile> Resolve(string model, long? version)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return Result<TextModelProfile>.Fail(ErrorCode.InvalidRequest, "a model name is required");
        }

        var info = _registry.GetModel(model);
        if (info is null)
        {
            return Result<TextModelProfile>.Fail(ErrorCode.ModelNotFound, $"unknown model: '{model}'");
        }

        long? resolved = version ?? info.DefaultVersion;
        if (resolved is not long v)
        {
            return Result<TextModelProfile>.Fail(ErrorCode.ModelNotReady, $"model '{model}' has no ready version");
        }

        var versionInfo = info.FindVersion(v);
        if (versionInfo is null)
        {
            return Result<TextModelProfile>.Fail(ErrorCode.VersionNotFound, $"model '{model}' has no version {v}");
        }

        if (!versionInfo.IsReady)
        {
            return Result<TextModelProfile>.Fail(ErrorCode.ModelNotReady, $"model '{model}' version {v} is not ready: {versionInfo.Reason}");
        }

        var entry = _profiles.GetOrAdd((model, v, versionInfo.LoadedAt), key => new Lazy<(TextModelProfile?, string?)>(() => Load(key.Name, key.Version)));
        var (profile, error) = entry.Value;
        return profile is not null
            ? Result<TextModelProfile>.Ok(profile)
            : Result<TextModelProfile>.Fail(ErrorCode.Unsupported, error!);
    }

    /// <summary>Appends each text's sentence embedding (the model and version it was trained with) to its features.</summary>
    private async ValueTask<Result<int>> AppendEmbeddingsAsync(TextModelProfile profile, IReadOnlyList<string?> texts, TextFeatures[] features, CancellationToken cancellationToken)
    {
        var settings = profile.Model.Settings;
        if (_embeddings is null)
        {
            return Result<int>.Fail(ErrorCode.Unsupported, $"model '{profile.Name}' needs embeddings from '{settings.EmbeddingModel}', which this host does not compute");
        }

        long? version = settings.EmbeddingVersion > 0 ? settings.EmbeddingVersion : null;
        var embedded = await _embeddings.EmbedAsync(settings.EmbeddingModel!, version, texts, null, cancellationToken).ConfigureAwait(false);
        if (!embedded.TryGetValue(out var batch, out var error))
        {
            return Result<int>.Fail(error.Code, $"model '{profile.Name}' needs embeddings from '{settings.EmbeddingModel}': {error.Message}");
        }

        if (batch.Dimensions != settings.EmbeddingDimensions)
        {
            return Result<int>.Fail(ErrorCode.InferenceFailed, $"'{settings.EmbeddingModel}' made {batch.Dimensions} dimensions; model '{profile.Name}' was trained on {settings.EmbeddingDimensions}");
        }

        for (int i = 0; i < features.Length; i++)
        {
            features[i] = features[i].WithEmbedding(batch[i].Span, settings);
        }

        return features.Length;
    }

    private async ValueTask<Result<(float[] Probabilities, InferenceTimings Timings)>> RunGroupAsync(
        TextModelProfile profile, TextFeatures[] rows, CancellationToken cancellationToken)
    {
        var batch = TextFeaturizer.PadToLongest(rows);
        var request = new InferenceRequest(
            [
                InferTensor.Int64(LinearTextModel.IdsInput, batch.Ids, batch.BatchSize, batch.Length),
                InferTensor.Fp32(LinearTextModel.WeightsInput, batch.Weights, batch.BatchSize, batch.Length),
            ],
            [LinearTextModel.ProbabilitiesOutput]);
        var response = await _inference.InferAsync(profile.Name, profile.Version, request, cancellationToken).ConfigureAwait(false);
        if (!response.TryGetValue(out var answer, out var error))
        {
            return error;
        }

        return answer.Output(LinearTextModel.ProbabilitiesOutput)?.Data is float[] probabilities
            ? (probabilities, answer.Timings)
            : Result<(float[], InferenceTimings)>.Fail(ErrorCode.InferenceFailed, $"model '{profile.Name}' returned no probabilities");
    }

    // One call's timings over its groups: the longest wait, the work of all runs, the largest run.
    private static InferenceTimings Merge(InferenceTimings total, InferenceTimings run) => new(
        total.Queue > run.Queue ? total.Queue : run.Queue,
        total.ComputeInput + run.ComputeInput,
        total.ComputeInfer + run.ComputeInfer,
        total.ComputeOutput + run.ComputeOutput,
        Math.Max(total.BatchSize, run.BatchSize));

    private (TextModelProfile?, string?) Load(string name, long version)
    {
        if (_registry.FindModelDirectory(name) is not { } directory)
        {
            return (null, $"model '{name}' is not in the repository");
        }

        string path = Path.Combine(directory, version.ToString(System.Globalization.CultureInfo.InvariantCulture), TextModelRepository.OnnxFileName);
        try
        {
            var model = LinearTextModelReader.Read(path, out var metadata, out string? error);
            return model is null
                ? (null, $"model '{name}' version {version} is not a MaaS text model: {error}")
                : (new TextModelProfile(name, version, model, metadata), null);
        }
        catch (IOException e)
        {
            return (null, $"model '{name}' version {version} could not be read: {e.Message}");
        }
    }

    private static string? Validate(IReadOnlyList<string?>? texts)
    {
        if (texts is null || texts.Count == 0)
        {
            return "give at least one text";
        }

        if (texts.Count > MaxTexts)
        {
            return $"{texts.Count} texts; at most {MaxTexts} per request";
        }

        for (int i = 0; i < texts.Count; i++)
        {
            string? text = texts[i];
            if (text is null || string.IsNullOrWhiteSpace(text))
            {
                return $"texts[{i}] is empty";
            }

            if (text.Length > MaxTextLength)
            {
                return $"texts[{i}] has {text.Length} characters; the limit is {MaxTextLength}";
            }
        }

        return null;
    }
}
