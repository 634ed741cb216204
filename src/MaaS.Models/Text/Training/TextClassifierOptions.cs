namespace MaaS.Models.Text.Training;

/// <summary>
/// Options of <see cref="TextClassifierTrainer"/>: the candidates k-fold cross-validation chooses among (feature sets ×
/// L2 strengths) and the seeds. Immutable.
/// </summary>
public sealed record TextClassifierOptions
{
    /// <summary>Cross-validation folds (2..20).</summary>
    public int Folds { get; init; } = 5;

    /// <summary>
    /// L2 strengths tried; null takes the default grid of the task (single-label around the NB-LR sentiment grid,
    /// multi-label around the tag trainer's λ).
    /// </summary>
    public IReadOnlyList<double>? Lambdas { get; init; }

    /// <summary>
    /// Feature sets tried (<see cref="TextFeatureSets"/> names); null tries every n-gram set, and each of them joined
    /// with the sentence embedding when the run is given embeddings.
    /// </summary>
    public IReadOnlyList<string>? FeatureSets { get; init; }

    /// <summary>
    /// Factor on each unit-length embedding component in the <c>+embedding</c> sets: puts the dense part on the scale
    /// of the n-grams for SGD and L2 (content tags v2 found 2 best; larger scales make SGD's dense steps too large).
    /// </summary>
    public float EmbeddingScale { get; init; } = 2f;

    /// <summary>
    /// Neighbours that vote in the <see cref="TextFeatureSets.NeighbourSuffix"/> sets' head (stacked by default, see
    /// <see cref="TagTrainingOptions.StackVotes"/>): 40 with cosine⁹ votes beat 20 with cosine³ by 3-fold CV on the
    /// Netflix train split (micro-F1 0.517 against 0.513 over out-of-fold scores, 0.5146 against 0.5140 through the
    /// pipeline; within noise of each other, docs/training.md).
    /// </summary>
    public int Neighbours { get; init; } = 40;

    /// <summary>Seed of the folds and of every SGD order.</summary>
    public int Seed { get; init; } = 20_261_123;

    /// <summary>The λ grid used when <see cref="Lambdas"/> is null.</summary>
    public IReadOnlyList<double> LambdaGrid(bool multiLabel) => Lambdas ?? (multiLabel ? [3e-5, 1e-4, 3e-4] : [3e-4, 1e-3, 3e-3]);
}

/// <summary>The n-gram feature sets a training run may choose among, by name.</summary>
public static class TextFeatureSets
{
    /// <summary>Word uni- and bigrams.</summary>
    public const string Words = "words";

    /// <summary>Word uni- and bigrams plus character 2..6-grams across word boundaries (the MR sentiment set).</summary>
    public const string WordsAndChars = "words+chars";

    /// <summary>Suffix of a set that appends the text's sentence embedding to its n-grams.</summary>
    public const string EmbeddingSuffix = "+embedding";

    /// <summary>
    /// Suffix of an embedding set whose model also blends in the votes of the nearest training texts by embedding
    /// (<see cref="Modeling.NeighbourVotes"/>; multi-label only).
    /// </summary>
    public const string NeighbourSuffix = "+neighbours";

    /// <summary>The n-gram sets, in the order candidates are tried.</summary>
    public static IReadOnlyList<string> All { get; } = [Words, WordsAndChars];

    /// <summary>The n-gram sets joined with the sentence embedding.</summary>
    public static IReadOnlyList<string> WithEmbedding { get; } = [.. All.Select(s => s + EmbeddingSuffix)];

    /// <summary>The embedding sets with the neighbour-vote head.</summary>
    public static IReadOnlyList<string> WithNeighbours { get; } = [.. WithEmbedding.Select(s => s + NeighbourSuffix)];

    /// <summary>Every name a request may give.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All, .. WithEmbedding, .. WithNeighbours];

    /// <summary>The sets tried when a run names none: the n-gram sets, with embeddings also the embedding sets, and for multi-label their neighbour-head variants.</summary>
    public static IReadOnlyList<string> Defaults(bool embeddings, bool multiLabel) =>
        !embeddings ? All : multiLabel ? Names : [.. All, .. WithEmbedding];

    /// <summary>Whether a set needs the sentence embedding.</summary>
    public static bool NeedsEmbedding(string name) => name.EndsWith(EmbeddingSuffix, StringComparison.Ordinal) || UsesNeighbours(name);

    /// <summary>Whether a set's model carries the neighbour-vote head.</summary>
    public static bool UsesNeighbours(string name) => name.EndsWith(NeighbourSuffix, StringComparison.Ordinal);

    /// <summary>
    /// Featurizer settings of a set. The table is [buckets, labels] floats, so buckets shrink as labels grow to keep a
    /// model of many labels within tens of megabytes.
    /// </summary>
    public static TextFeaturizerSettings Settings(string name, int labelCount, bool multiLabel)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (NeedsEmbedding(name))
        {
            throw new ArgumentException($"'{name}' needs the embedding model: use the overload that takes it.", nameof(name));
        }

        int buckets = labelCount <= 2 ? 1 << 19 : labelCount <= 8 ? 1 << 18 : 1 << 16;
        return name switch
        {
            Words => new TextFeaturizerSettings { Buckets = buckets, WordNgrams = 2, MarkNegation = !multiLabel },
            WordsAndChars => new TextFeaturizerSettings
            {
                Buckets = buckets,
                WordNgrams = 2,
                CharNgramMin = 2,
                CharNgramMax = 6,
                CharNgramsSpanWords = true,
                MarkNegation = !multiLabel,
            },
            _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown feature set"),
        };
    }

    /// <summary>Settings of a set, with the embedding appended when the set names it.</summary>
    /// <param name="name">A name of <see cref="Names"/>.</param>
    /// <param name="labelCount">Labels.</param>
    /// <param name="multiLabel">Multi-label task.</param>
    /// <param name="embedding">The encoder's name, version and dimensions, or null when none is served.</param>
    /// <param name="scale">Factor on each embedding component.</param>
    public static TextFeaturizerSettings Settings(string name, int labelCount, bool multiLabel, (string Model, long Version, int Dimensions)? embedding, float scale)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (UsesNeighbours(name))
        {
            // The head changes the model, not the features.
            name = name[..^NeighbourSuffix.Length];
        }

        if (!NeedsEmbedding(name))
        {
            return Settings(name, labelCount, multiLabel);
        }

        if (embedding is not { } e)
        {
            throw new ArgumentException($"'{name}' needs sentence embeddings and the run has none.", nameof(embedding));
        }

        return Settings(name[..^EmbeddingSuffix.Length], labelCount, multiLabel) with
        {
            EmbeddingModel = e.Model,
            EmbeddingVersion = e.Version,
            EmbeddingDimensions = e.Dimensions,
            EmbeddingScale = scale,
        };
    }
}
