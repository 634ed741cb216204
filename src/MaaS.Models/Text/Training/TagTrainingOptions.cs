namespace MaaS.Models.Text.Training;

/// <summary>Options of the multi-label tag trainer (one-vs-rest logistic regression, a sigmoid per label). Immutable.</summary>
public sealed record TagTrainingOptions
{
    /// <summary>Featurizer settings; the table is [Buckets, labels] floats, so Buckets bounds the model size.</summary>
    public TextFeaturizerSettings Featurizer { get; init; } = new()
    {
        Buckets = 1 << 15,
        WordNgrams = 2,
        MarkNegation = false,
    };

    /// <summary>Scale features by per-label NB log-count ratios (NB-LR) instead of plain LR.</summary>
    public bool NaiveBayes { get; init; }

    /// <summary>NB smoothing α.</summary>
    public double Alpha { get; init; } = 1.0;

    /// <summary>SGD settings.</summary>
    public LogisticOptions Logistic { get; init; } = new(Lambda: 1e-4, Epochs: 15, LearningRate: 0.2);

    /// <summary>Choose a threshold per label on the hold-out (coordinate ascent on micro-F1 from the global one) instead of one for all.</summary>
    public bool PerLabelThresholds { get; init; }

    /// <summary>Emit only labels of the most probable label's group: labels never seen together in training (<see cref="TagTrainer.LabelGroups"/>) are not emitted together.</summary>
    public bool ExclusiveLabelGroups { get; init; }

    /// <summary>
    /// Neighbours whose labels vote in a <see cref="Modeling.NeighbourVotes"/> head blended with the linear scores
    /// (needs the sentence embedding in the features); half, once and twice this many are tried on the hold-out.
    /// 0 trains the linear model alone.
    /// </summary>
    public int Neighbours { get; init; }

    /// <summary>Blend weights of the votes tried on the hold-out (with the threshold) when <see cref="Neighbours"/> is on.</summary>
    public IReadOnlyList<float> NeighbourWeights { get; init; } = [0.1f, 0.2f, 0.3f, 0.4f, 0.5f, 0.6f, 0.7f];

    /// <summary>Powers on the neighbours' cosines (vote weights) tried on the hold-out when <see cref="Neighbours"/> is on.</summary>
    public IReadOnlyList<float> NeighbourSharpness { get; init; } = [1f, 3f, 9f];

    /// <summary>
    /// Combine the linear probabilities and the votes by a <see cref="Modeling.VoteStacking"/> (a logistic regression per
    /// label over both, fitted on out-of-fold scores) instead of one blend weight chosen on the hold-out. On the Netflix
    /// titles it beat the best blend by CV on the train split and on the test split (docs/training.md).
    /// </summary>
    public bool StackVotes { get; init; } = true;

    /// <summary>Folds whose out-of-fold scores train the stack (each a fit of the linear model).</summary>
    public int StackFolds { get; init; } = 3;

    /// <summary>Power on the neighbours' cosines in the stacked head's votes.</summary>
    public float StackSharpness { get; init; } = 9f;

    /// <summary>
    /// Give the stack each label's linear log-odds beside its probability (<see cref="Modeling.VoteStacking.UsesLogits"/>).
    /// On the Netflix titles it raised the 3-fold CV micro-F1 of the train split from 0.515 to 0.524 and the test split's from
    /// 0.547 to 0.558 (docs/training.md).
    /// </summary>
    public bool StackLogits { get; init; } = true;

    /// <summary>L2 strength of the stack's weights.</summary>
    public double StackLambda { get; init; } = 1e-4;

    /// <summary>Share of the training rows held out to choose the decision threshold.</summary>
    public double ValidationShare { get; init; } = 0.1;

    /// <summary>Seed of every random choice.</summary>
    public int Seed { get; init; } = 20_261_123;
}
