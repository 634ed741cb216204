namespace MaaS.Models.Embeddings;

/// <summary>
/// Embeds texts with a registry model of the <c>sentence-embedding</c> format, through <see cref="IModelInference"/> (so
/// through the version's dynamic batcher, which merges concurrent callers before the model groups rows by length).
/// Expected failures come back as <see cref="Result{T}"/> values. Thread-safe; register as a singleton.
/// </summary>
public sealed class EmbeddingService
{
    /// <summary>
    /// The sentence encoder the repository ships for every service that embeds (search, training, the OpenAI-shaped
    /// endpoint, <c>maas evaluate</c>) unless its configuration names another; docs/models.md says why this one.
    /// </summary>
    public const string DefaultModel = "all-minilm-l6-v2";

    /// <summary>Most texts per call (the OpenAI embeddings API's limit).</summary>
    public const int MaxInputs = 2048;

    /// <summary>
    /// Longest text accepted, in UTF-16 characters. Within it any length is served: only the word pieces that fit the
    /// model's limit are tokenised and the answer says the text was cut.
    /// </summary>
    public const int MaxInputLength = 1_000_000;

    private static readonly string[] Outputs = [SentenceEmbeddingModel.EmbeddingOutput, SentenceEmbeddingModel.TokensOutput, SentenceEmbeddingModel.TruncatedOutput];

    private readonly IModelRegistry _registry;
    private readonly IModelInference _inference;

    /// <summary>Creates the service over the registry and its inference entry point.</summary>
    public EmbeddingService(IModelRegistry registry, IModelInference inference)
    {
        _registry = registry;
        _inference = inference;
    }

    /// <summary>
    /// One embedding per text, in input order. Fails with InvalidRequest for no texts, more than
    /// <see cref="MaxInputs"/>, a null, empty, blank or over-long text, or <paramref name="dimensions"/> other than the
    /// model's (its embeddings were not trained to be shortened); ModelNotFound / VersionNotFound / NotReady from the
    /// registry; Unsupported when the model is not a sentence-embedding model.
    /// </summary>
    /// <param name="model">Model name.</param>
    /// <param name="version">Version, or null for the default.</param>
    /// <param name="texts">Texts (1..2048).</param>
    /// <param name="dimensions">Dimensions asked for, or null.</param>
    /// <param name="cancellationToken">Client cancellation.</param>
    public ValueTask<Result<EmbeddingBatch>> EmbedAsync(string model, long? version, IReadOnlyList<string?>? texts, int? dimensions, CancellationToken cancellationToken) =>
        EmbedAsync(model, version, texts, dimensions, null, cancellationToken);

    /// <summary>
    /// <see cref="EmbedAsync(string, long?, IReadOnlyList{string?}, int?, CancellationToken)"/> under a deadline of the
    /// caller's own (<see cref="InferenceRequest.Timeout"/>) instead of the serving timeout: a job's embedding pass.
    /// </summary>
    /// <param name="model">Model name.</param>
    /// <param name="version">Version, or null for the default.</param>
    /// <param name="texts">Texts (1..2048).</param>
    /// <param name="dimensions">Dimensions asked for, or null.</param>
    /// <param name="timeout">How long the call may take; null: the serving timeout.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    public async ValueTask<Result<EmbeddingBatch>> EmbedAsync(string model, long? version, IReadOnlyList<string?>? texts, int? dimensions, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        if (Validate(texts) is { } invalid)
        {
            return invalid;
        }

        if (Check(model, version, dimensions) is { } mismatch)
        {
            return mismatch;
        }

        string[] batch = [.. texts!.Select(t => t!)];
        var request = new InferenceRequest([InferTensor.Bytes(SentenceEmbeddingModel.TextInput, batch, batch.Length)], Outputs) { Timeout = timeout };
        var response = await _inference.InferAsync(model, version, request, cancellationToken).ConfigureAwait(false);
        if (!response.TryGetValue(out var answer, out var error))
        {
            return error;
        }

        if (answer.Output(SentenceEmbeddingModel.EmbeddingOutput) is not { Data: float[] vectors, Shape: [_, var width] }
            || answer.Output(SentenceEmbeddingModel.TokensOutput)?.Data is not long[] tokens
            || answer.Output(SentenceEmbeddingModel.TruncatedOutput)?.Data is not bool[] truncated
            || vectors.Length != batch.Length * width)
        {
            return Result<EmbeddingBatch>.Fail(ErrorCode.InferenceFailed, $"model '{model}' returned no embeddings");
        }

        if (dimensions is { } asked && asked != width)
        {
            return Unshortenable(model, width);
        }

        return new EmbeddingBatch(answer.ModelName, answer.ModelVersion, vectors, (int)width, tokens, truncated, answer.Timings);
    }

    private static Result<EmbeddingBatch> Unshortenable(string model, long width) =>
        Error.InvalidField("dimensions",
            $"model '{model}' makes {width}-dimensional embeddings and cannot shorten them (it was not trained for it); leave 'dimensions' out or give {width}");

    // The platform and width of the version that would answer, checked before any work; a version not loaded yet is
    // left to inference, which answers for it.
    private Result<EmbeddingBatch>? Check(string model, long? version, int? dimensions)
    {
        if (string.IsNullOrWhiteSpace(model))
        {
            return Error.InvalidField("model", "a model name is required");
        }

        var info = _registry.GetModel(model);
        if ((version ?? info?.DefaultVersion) is not long v || info?.FindVersion(v) is not { Platform: { } platform } loaded)
        {
            return null;
        }

        if (platform != SentenceEmbeddingModel.PlatformName)
        {
            string message = $"model '{model}' is not a sentence-embedding model ({platform})";
            return new Error(ErrorCode.Unsupported, message, [new FieldProblem(-1, "model", message)]);
        }

        if (dimensions is { } asked && Width(loaded) is long width && asked != width)
        {
            return Unshortenable(model, width);
        }

        return null;
    }

    /// <summary>
    /// The length of the embeddings <paramref name="model"/> makes at <paramref name="version"/> (null: the default),
    /// or null while that version is not loaded or is not a sentence-embedding model: what a caller's own vector must
    /// match to be compared with them.
    /// </summary>
    /// <param name="model">Model name.</param>
    /// <param name="version">Version, or null for the default.</param>
    public int? DimensionsOf(string model, long? version)
    {
        var info = _registry.GetModel(model);
        return (version ?? info?.DefaultVersion) is long v && info?.FindVersion(v) is { Platform: SentenceEmbeddingModel.PlatformName } loaded && Width(loaded) is long width
            ? (int)width
            : null;
    }

    private static long? Width(ModelVersionInfo loaded) =>
        loaded.Signature?.FindOutput(SentenceEmbeddingModel.EmbeddingOutput) is { Shape: [_, var width] } ? width : null;

    private static Error? Validate(IReadOnlyList<string?>? texts)
    {
        if (texts is null || texts.Count == 0)
        {
            return Error.InvalidField("input", "give at least one input text");
        }

        if (texts.Count > MaxInputs)
        {
            return Error.InvalidField("input", $"{texts.Count} inputs; at most {MaxInputs} per request");
        }

        for (int i = 0; i < texts.Count; i++)
        {
            string? text = texts[i];
            if (text is null)
            {
                return Error.InvalidField($"input[{i}]", $"input[{i}] is null; every input must be a string");
            }

            if (string.IsNullOrWhiteSpace(text))
            {
                return Error.InvalidField($"input[{i}]", $"input[{i}] is empty; every input must hold some text");
            }

            if (text.Length > MaxInputLength)
            {
                return Error.InvalidField($"input[{i}]", $"input[{i}] has {text.Length} characters; the limit is {MaxInputLength}");
            }
        }

        return null;
    }
}

/// <summary>Embeddings of one call, in input order.</summary>
/// <param name="Model">Model that answered.</param>
/// <param name="Version">Version that answered.</param>
/// <param name="Vectors">Row-major [count, Dimensions]; unit length when the model normalises.</param>
/// <param name="Dimensions">Length of each embedding.</param>
/// <param name="Tokens">Word pieces each text was embedded from, special tokens included.</param>
/// <param name="Truncated">True for texts cut at the model's token limit.</param>
/// <param name="Timings">Batcher timings of the run.</param>
public sealed record EmbeddingBatch(string Model, long Version, float[] Vectors, int Dimensions, long[] Tokens, bool[] Truncated, InferenceTimings Timings)
{
    /// <summary>Number of embeddings.</summary>
    public int Count => Tokens.Length;

    /// <summary>The embedding of text <paramref name="index"/>.</summary>
    public ReadOnlyMemory<float> this[int index] => Vectors.AsMemory(index * Dimensions, Dimensions);
}
