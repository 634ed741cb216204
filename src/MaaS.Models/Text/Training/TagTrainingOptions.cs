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

    /// <summary>Share of the training rows held out to choose the decision threshold.</summary>
    public double ValidationShare { get; init; } = 0.1;

    /// <summary>Seed of every random choice.</summary>
    public int Seed { get; init; } = 20_261_123;
}
