namespace MaaS.Models.Text.Featurization;

/// <summary>
/// Everything needed to featurize text exactly as a model was trained: written into the model card
/// (<c>card.json</c>) and the ONNX <c>metadata_props</c> (key <see cref="MetadataKey"/>) so serving can rebuild the
/// same <see cref="TextFeaturizer"/>. Immutable.
/// </summary>
public sealed record TextFeaturizerSettings
{
    /// <summary>ONNX metadata key holding these settings as JSON.</summary>
    public const string MetadataKey = "maas.featurizer";

    /// <summary>The only scheme this code implements; a model with another scheme is refused.</summary>
    public const string CurrentScheme = "maas-text/1";

    /// <summary>Featurization scheme (normalisation, tokenisation and hashing rules) this model expects.</summary>
    public string Scheme { get; init; } = CurrentScheme;

    /// <summary>Unicode normalisation applied first (always NFKC, then lower-casing).</summary>
    public string Normalization { get; init; } = "NFKC+lower";

    /// <summary>Hash of a feature's UTF-8 bytes; the id is <c>hash % Buckets</c>.</summary>
    public string Hash { get; init; } = "fnv1a32";

    /// <summary>Size of the id space, that is the number of rows of the model's weight table.</summary>
    public int Buckets { get; init; } = 1 << 18;

    /// <summary>Largest word n-gram (1 = unigrams only).</summary>
    public int WordNgrams { get; init; } = 2;

    /// <summary>Smallest character n-gram inside <c>&lt;word&gt;</c>; 0 turns character n-grams off.</summary>
    public int CharNgramMin { get; init; }

    /// <summary>Largest character n-gram.</summary>
    public int CharNgramMax { get; init; }

    /// <summary>
    /// When true, character n-grams run over the whole token sequence joined by spaces (so they span word
    /// boundaries); when false, over each <c>&lt;word&gt;</c> separately.
    /// </summary>
    public bool CharNgramsSpanWords { get; init; }

    /// <summary>Whether words after a negation (not, n't, never, no, ...) up to the next punctuation are marked.</summary>
    public bool MarkNegation { get; init; } = true;

    /// <summary>Tokens beyond this are dropped (the result is flagged truncated).</summary>
    public int MaxTokens { get; init; } = 256;

    /// <summary>Allowed padded lengths, ascending; the last is the most features a text keeps.</summary>
    public int[] BucketLengths { get; init; } = [16, 32, 64, 128, 256, 512, 1024, 2048];

    /// <summary>Per-feature weighting.</summary>
    [JsonConverter(typeof(JsonStringEnumConverter<FeatureWeighting>))]
    public FeatureWeighting Weighting { get; init; } = FeatureWeighting.Binary;

    /// <summary>
    /// The sentence-embedding model whose vector of the text is appended to the hashed n-grams (content tags v2), or
    /// null for n-grams only. Embedding dimension d becomes feature id <c>Buckets + d</c> with weight
    /// <see cref="EmbeddingScale"/> · x_d, so the model's table has <see cref="FeatureSpace"/> rows.
    /// </summary>
    public string? EmbeddingModel { get; init; }

    // Left out of the JSON when unset, so models written before embeddings existed keep their exact bytes.

    /// <summary>The version of <see cref="EmbeddingModel"/> the model was trained on (its vectors differ between versions).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public long EmbeddingVersion { get; init; }

    /// <summary>Dimensions of <see cref="EmbeddingModel"/>'s vectors (0 without one).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int EmbeddingDimensions { get; init; }

    /// <summary>Factor on each (unit-length) embedding component, 1 when null: puts the dense features on the scale of
    /// the n-grams for SGD and L2.</summary>
    public float? EmbeddingScale { get; init; }

    /// <summary>Rows of the model's weight table: the hashed buckets, then one per embedding dimension.</summary>
    [JsonIgnore]
    public int FeatureSpace => Buckets + EmbeddingDimensions;

    /// <summary>Most distinct features a text keeps (the largest bucket length).</summary>
    [JsonIgnore]
    public int MaxFeatures => BucketLengths[^1];

    /// <summary>Validates the settings; returns every problem found (empty when valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Scheme != CurrentScheme)
        {
            errors.Add($"Unknown featurizer scheme '{Scheme}' (this build implements '{CurrentScheme}').");
        }

        if (Buckets < 2)
        {
            errors.Add("Buckets must be at least 2.");
        }

        if (WordNgrams is < 1 or > 5)
        {
            errors.Add("WordNgrams must be in 1..5.");
        }

        if (CharNgramMin < 0 || CharNgramMax < CharNgramMin || CharNgramMax > 8 || (CharNgramMin == 0 && CharNgramMax != 0))
        {
            errors.Add("Character n-grams need 1 <= CharNgramMin <= CharNgramMax <= 8 (or both 0).");
        }

        if (MaxTokens < 1)
        {
            errors.Add("MaxTokens must be positive.");
        }

        if (BucketLengths is null || BucketLengths.Length == 0 || BucketLengths[0] < 1
            || BucketLengths.Zip(BucketLengths.Skip(1)).Any(p => p.Second <= p.First))
        {
            errors.Add("BucketLengths must be positive and strictly ascending.");
        }

        if ((EmbeddingModel is null) != (EmbeddingDimensions == 0) || EmbeddingDimensions < 0 || EmbeddingVersion < 0
            || EmbeddingScale is { } scale && (!(scale > 0f) || !float.IsFinite(scale)))
        {
            errors.Add("An embedding needs a model name, a version, positive dimensions and a positive finite scale (or none of them).");
        }

        return errors;
    }

    /// <summary>Serialises to the JSON written into model cards and ONNX metadata.</summary>
    public string ToJson() => TextJson.Serialize(this);

    /// <summary>Parses settings JSON; null when it is not valid JSON for this record.</summary>
    public static TextFeaturizerSettings? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, TextJsonContext.Default.TextFeaturizerSettings);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
