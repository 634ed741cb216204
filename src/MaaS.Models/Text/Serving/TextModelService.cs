using System.Collections.Concurrent;
using MaaS.Models.Embeddings;

namespace MaaS.Models.Text.Serving;

/// <summary>
/// Text inference over registry models: validates texts, featurizes them with the featurizer stored in the model
/// version itself and returns probabilities per text from the model's C# twin, read from the same ONNX file: for
/// these gather-and-sum graphs it is ~10× faster than an ONNX Runtime session run (docs/benchmarks.md, "Text:
/// sentiment throughput") and equal within 1e-6 (tests/MaaS.Models.Tests/Text/Modeling/TwinTests.cs). Expected failures come back as <see cref="Result{T}"/> values. Thread-safe;
/// register as a singleton.
/// </summary>
public sealed class TextModelService
{
    /// <summary>Most texts per call.</summary>
    public const int MaxTexts = 256;

    /// <summary>Longest text accepted, in UTF-16 characters (longer texts are refused; within it, tokens past the model's limit are dropped).</summary>
    public const int MaxTextLength = 20_000;

    private readonly IModelRegistry _registry;
    private readonly EmbeddingService? _embeddings;
    private readonly ConcurrentDictionary<(string Name, long Version, DateTimeOffset? LoadedAt), Lazy<(TextModelProfile? Profile, string? Error)>> _profiles = new();

    /// <summary>Creates the service over the registry.</summary>
    /// <param name="registry">The model registry (readiness, versions, the ONNX files).</param>
    /// <param name="embeddings">Embeds texts for models that take a sentence embedding besides n-grams (content tags v2); without it such models are refused.</param>
    public TextModelService(IModelRegistry registry, EmbeddingService? embeddings = null)
    {
        _registry = registry;
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

        var resolved = await ResolveLoadingAsync(model, version, cancellationToken).ConfigureAwait(false);
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

        var items = new TextPrediction[features.Length];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new TextPrediction(profile.Model.Predict(features[i]), features[i]);
        }

        return Result<TextPredictions>.Ok(new TextPredictions(profile, items));
    }

    /// <summary>
    /// Probabilities per text, as <see cref="PredictAsync"/> gives them, without keeping the features: for a model
    /// whose features are n-grams only, each text is featurized and scored in one allocation-free pass by
    /// <see cref="LinearTextModel.Classify"/> (equal to <see cref="PredictAsync"/>'s probabilities; the features are
    /// not materialised); a model that also takes a sentence embedding goes through <see cref="PredictAsync"/>.
    /// Fails as <see cref="PredictAsync"/> does.
    /// </summary>
    /// <param name="model">Model name.</param>
    /// <param name="version">Version or null.</param>
    /// <param name="texts">Texts (1..256).</param>
    /// <param name="cancellationToken">Client cancellation.</param>
    public async ValueTask<Result<TextScores>> ScoreAsync(string model, long? version, IReadOnlyList<string?>? texts, CancellationToken cancellationToken)
    {
        string? invalid = Validate(texts);
        if (invalid is not null)
        {
            return Result<TextScores>.Fail(ErrorCode.InvalidRequest, invalid);
        }

        var resolved = await ResolveLoadingAsync(model, version, cancellationToken).ConfigureAwait(false);
        if (!resolved.TryGetValue(out var profile, out var error))
        {
            return Result<TextScores>.Fail(error);
        }

        if (profile.Model.Settings.EmbeddingModel is not null)
        {
            var predicted = await PredictAsync(model, profile.Version, texts, withTerms: false, cancellationToken).ConfigureAwait(false);
            return predicted.TryGetValue(out var predictions, out error)
                ? Result<TextScores>.Ok(new TextScores(predictions.Profile, [.. predictions.Items.Select(TextScore.Of)]))
                : Result<TextScores>.Fail(error);
        }

        var items = new TextScore[texts!.Count];
        for (int i = 0; i < items.Length; i++)
        {
            var probabilities = new float[profile.Labels.Count];
            var summary = profile.Model.Classify(texts[i]!, probabilities);
            items[i] = new TextScore(probabilities, summary.TokenCount, summary.Truncated);
        }

        return Result<TextScores>.Ok(new TextScores(profile, items));
    }

    /// <summary>
    /// <see cref="Resolve"/>, loading the model first when it is a lazy one waiting for its first request (the only
    /// case that awaits anything).
    /// </summary>
    private async ValueTask<Result<TextModelProfile>> ResolveLoadingAsync(string model, long? version, CancellationToken cancellationToken)
    {
        var resolved = Resolve(model, version);
        if (resolved.IsSuccess || resolved.Error.Code != ErrorCode.ModelNotReady || _registry.GetModel(model) is not { LoadsOnFirstRequest: true })
        {
            return resolved;
        }

        var leased = await _registry.AcquireAsync(model, version, cancellationToken).ConfigureAwait(false);
        if (!leased.TryGetValue(out var lease, out var error))
        {
            return Result<TextModelProfile>.Fail(error);
        }

        lease.Dispose();
        return Resolve(model, version);
    }

    /// <summary>The profile of a ready version (default when <paramref name="version"/> is null).</summary>
    public Result<TextModelProfile> Resolve(string model, long? version)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return Result<TextModelProfile>.Fail(ErrorCode.InvalidRequest, "give 'model': the name of a text model (GET /v1/models lists them)");
        }

        var info = _registry.GetModel(model);
        if (info is null)
        {
            EvictGoneVersions();
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
            EvictGoneVersions();
            return Result<TextModelProfile>.Fail(ErrorCode.VersionNotFound, $"model '{model}' has no version {v}");
        }

        if (!versionInfo.IsReady)
        {
            EvictGoneVersions();
            return Result<TextModelProfile>.Fail(ErrorCode.ModelNotReady, $"model '{model}' version {v} is not ready: {versionInfo.Reason}");
        }

        var current = (model, v, versionInfo.LoadedAt);
        if (!_profiles.TryGetValue(current, out var entry))
        {
            // A new load of a version: the profiles of loads that are gone (unloaded, reloaded, removed) go first.
            EvictGoneVersions();
            entry = _profiles.GetOrAdd(current, key => new Lazy<(TextModelProfile?, string?)>(() => Load(key.Name, key.Version)));
        }

        var (profile, error) = entry.Value;
        return profile is not null
            ? Result<TextModelProfile>.Ok(profile)
            : Result<TextModelProfile>.Fail(ErrorCode.Unsupported, error!);
    }

    /// <summary>Profiles held (one per loaded version asked for), for tests.</summary>
    internal int CachedProfiles => _profiles.Count;

    // Drops the profiles whose version is no longer ready in the registry under the load they were read from.
    private void EvictGoneVersions()
    {
        foreach (var key in _profiles.Keys)
        {
            var version = _registry.GetModel(key.Name)?.FindVersion(key.Version);
            if (version is null || !version.IsReady || version.LoadedAt != key.LoadedAt)
            {
                _profiles.TryRemove(key, out _);
            }
        }
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

    private (TextModelProfile?, string?) Load(string name, long version)
    {
        if (_registry.FindModelDirectory(name) is not { } directory)
        {
            return (null, $"model '{name}' is not in the repository");
        }

        string path = Path.Combine(directory, version.ToString(System.Globalization.CultureInfo.InvariantCulture), RepositoryFiles.Onnx);
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
            return "give 'texts': a list of at least one text";
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
