namespace MaaS.Services.Training;

/// <summary>
/// Parameters of a training request given outside the dataset (query string of a CSV or JSON Lines upload; an inline
/// JSON body may give them itself, and its values win).
/// </summary>
/// <param name="Model">Target model name.</param>
/// <param name="MultiLabel">Multi-label classification.</param>
/// <param name="Folds">Cross-validation folds (2..10, default 5).</param>
/// <param name="Lambdas">L2 strengths to try.</param>
/// <param name="FeatureSets">Feature sets to try (<c>words</c>, <c>words+chars</c>).</param>
internal sealed record TrainingParameters(
    string? Model = null, bool? MultiLabel = null, int? Folds = null, IReadOnlyList<double>? Lambdas = null, IReadOnlyList<string>? FeatureSets = null);
