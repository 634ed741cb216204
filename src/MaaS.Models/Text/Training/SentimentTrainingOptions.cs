namespace MaaS.Models.Text.Training;

/// <summary>
/// Options of the NB-LR sentiment trainer (NBSVM's log-count-ratio features + L2 logistic regression). Immutable.
/// </summary>
public sealed record SentimentTrainingOptions
{
    /// <summary>Featurizer settings (also what serving will use).</summary>
    public TextFeaturizerSettings Featurizer { get; init; } = new()
    {
        Buckets = 1 << 19,
        WordNgrams = 2,
        CharNgramMin = 2,
        CharNgramMax = 6,
        CharNgramsSpanWords = true,
        MarkNegation = true,
    };

    /// <summary>NB smoothing α.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>NBSVM interpolation β: weights become (1 − β)·mean|w| + β·w (1 = plain NB-LR).</summary>
    public double Beta { get; init; } = 0.5;

    /// <summary>
    /// Feature views of the ensemble members; their logits are averaged, which is again one linear model over the
    /// same ids (the exported table is the average of the members' tables).
    /// </summary>
    public FeatureView[] Members { get; init; } = [FeatureView.All];

    /// <summary>L2 strengths tried by inner validation; the first is used when <see cref="InnerFolds"/> is below 2.</summary>
    public double[] LambdaGrid { get; init; } = [5e-4, 1e-3, 2e-3];

    /// <summary>Inner cross-validation folds for choosing λ (on training rows only); below 2 turns tuning off.</summary>
    public int InnerFolds { get; init; } = 3;

    /// <summary>SGD settings (its <c>Lambda</c> is replaced by the chosen grid value).</summary>
    public LogisticOptions Logistic { get; init; } = new(Lambda: 1e-3, Epochs: 20, LearningRate: 0.1);

    /// <summary>Seed of every random choice (example order, inner folds).</summary>
    public int Seed { get; init; } = 20_261_123;
}
