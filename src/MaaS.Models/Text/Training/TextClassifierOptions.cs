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

    /// <summary>Feature sets tried (<see cref="TextFeatureSets"/> names); null tries every one.</summary>
    public IReadOnlyList<string>? FeatureSets { get; init; }

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

    /// <summary>Every name, in the order candidates are tried.</summary>
    public static IReadOnlyList<string> All { get; } = [Words, WordsAndChars];

    /// <summary>
    /// Featurizer settings of a set. The table is [buckets, labels] floats, so buckets shrink as labels grow to keep a
    /// model of many labels within tens of megabytes.
    /// </summary>
    public static TextFeaturizerSettings Settings(string name, int labelCount, bool multiLabel)
    {
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
}
