namespace MaaS.Services.Training;

/// <summary>The result of a finished training job: where the model went and the card's evaluation.</summary>
/// <param name="Model">Published model name (<c>&lt;tenant&gt;.&lt;name&gt;</c>).</param>
/// <param name="Version">Published version.</param>
/// <param name="Task"><c>classification</c> or <c>multi-label-classification</c>.</param>
/// <param name="Fingerprint">SHA-256 of the canonical dataset (lower-case hex).</param>
/// <param name="Rows">Rows trained on.</param>
/// <param name="Labels">Labels in output order.</param>
/// <param name="Chosen">The candidate cross-validation chose.</param>
/// <param name="Candidates">Every candidate's cross-validated score.</param>
/// <param name="CrossValidation">Out-of-fold report of the chosen candidate.</param>
/// <param name="CrossValidationIs">What <paramref name="CrossValidation"/> measures (the chosen candidate's score on the folds that chose it, so optimistic).</param>
/// <param name="Embedding">The encoder (<c>name vN</c>) whose vectors the candidates could use, or why none could.</param>
/// <param name="Folds">Cross-validation folds.</param>
/// <param name="Threshold">Multi-label decision threshold; null for single-label.</param>
/// <param name="Timings">Seconds per stage.</param>
/// <param name="PeakWorkingSetBytes">The gateway process's peak working set when the job ended (covers everything the process did).</param>
internal sealed record TrainingOutcome(
    string Model,
    long Version,
    string Task,
    string Fingerprint,
    int Rows,
    IReadOnlyList<string> Labels,
    CandidateScore Chosen,
    IReadOnlyList<CandidateScore> Candidates,
    ClassificationReport CrossValidation,
    string CrossValidationIs,
    string Embedding,
    int Folds,
    float? Threshold,
    TextTrainingTimings Timings,
    long PeakWorkingSetBytes);

/// <summary>Metrics of a running training job: the candidates scored so far.</summary>
/// <param name="Candidates">Cross-validated score per candidate, in the order tried.</param>
internal sealed record TrainingMetrics(IReadOnlyList<CandidateScore> Candidates);
