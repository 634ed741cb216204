using System.Collections.Concurrent;
using MaaS.Core;
using MaaS.Models.Inference;
using MaaS.Models.Registry;
using MaaS.Models.Text.Featurization;
using MaaS.Models.Text.Modeling;

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

    private readonly IModelRegistry _registry;
    private readonly IModelInference _inference;
    private readonly ConcurrentDictionary<(string Name, long Version, DateTimeOffset? LoadedAt), Lazy<(TextModelProfile? Profile, string? Error)>> _profiles = new();

    /// <summary>Creates the service over the registry and its inference entry point.</summary>
    public TextModelService(IModelRegistry registry, IModelInference inference)
    {
        _registry = registry;
        _inference = inference;
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

        var batch = profile.Featurizer.Pad(features);
        var request = new InferenceRequest(
            [
                InferTensor.Int64(LinearTextModel.IdsInput, batch.Ids, batch.BatchSize, batch.Length),
                InferTensor.Fp32(LinearTextModel.WeightsInput, batch.Weights, batch.BatchSize, batch.Length),
            ],
            [LinearTextModel.ProbabilitiesOutput]);
        var response = await _inference.InferAsync(profile.Name, profile.Version, request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            return response.Cast<TextPredictions>();
        }

        var output = response.Value!.Output(LinearTextModel.ProbabilitiesOutput);
        int k = profile.Labels.Count;
        if (output?.Data is not float[] probabilities || probabilities.Length != features.Length * k)
        {
            return Result<TextPredictions>.Fail(ErrorCode.InferenceFailed, $"model '{profile.Name}' returned no [{features.Length}, {k}] probabilities");
        }

        var items = new TextPrediction[features.Length];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new TextPrediction(probabilities.AsSpan(i * k, k).ToArray(), features[i]);
        }

        return Result<TextPredictions>.Ok(new TextPredictions(profile, items, response.Value.Timings));
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
