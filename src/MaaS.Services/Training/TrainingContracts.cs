namespace MaaS.Services.Training;

/// <summary>
/// <c>POST /v1/trainings</c> JSON body (rows inline); documentation of the shape, which the endpoint reads itself so
/// that each row's problem is reported. CSV, TSV and JSON Lines uploads give model and settings in the query string.
/// </summary>
/// <param name="Model">Name of the model to train (1-64 of a-z 0-9 - _); published as <c>&lt;tenant&gt;.&lt;model&gt;</c>.</param>
/// <param name="Rows">Labelled rows: <c>{"text", "label"}</c>, or <c>{"text", "labels": [...]}</c> for multi-label.</param>
/// <param name="MultiLabel">Multi-label classification (a sigmoid per label); default false.</param>
/// <param name="Settings">Optional training settings.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TrainingRequest(string? Model, IReadOnlyList<TrainingRowContract>? Rows, bool? MultiLabel = null, TrainingSettings? Settings = null);

/// <summary>One labelled row.</summary>
/// <param name="Text">The text.</param>
/// <param name="Label">Its label (single-label).</param>
/// <param name="Labels">Its labels (multi-label).</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TrainingRowContract(string? Text, string? Label = null, IReadOnlyList<string>? Labels = null);

/// <summary>Training settings.</summary>
/// <param name="Folds">Cross-validation folds, 2..10 (default 5).</param>
/// <param name="Lambdas">L2 strengths to try (default: a grid of three).</param>
/// <param name="FeatureSets">Feature sets to try: <c>words</c>, <c>words+chars</c> (default both).</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TrainingSettings(int? Folds = null, IReadOnlyList<double>? Lambdas = null, IReadOnlyList<string>? FeatureSets = null);

/// <summary>A training job.</summary>
/// <param name="Id">Job id.</param>
/// <param name="Model">Requested model name (the card name).</param>
/// <param name="Status"><c>queued</c>, <c>running</c>, <c>succeeded</c>, <c>failed</c> or <c>cancelled</c> (the words of every job).</param>
/// <param name="Phase">What runs now (featurizing, cross-validation ..., publishing) or the final state.</param>
/// <param name="Progress">Fraction done in [0, 1].</param>
/// <param name="MultiLabel">Multi-label classification.</param>
/// <param name="Rows">Rows in the dataset.</param>
/// <param name="Labels">Labels in output order.</param>
/// <param name="Fingerprint">SHA-256 of the canonical dataset.</param>
/// <param name="Attempts">Runs started (more than one after a crash or restart).</param>
/// <param name="CreatedAt">When it was queued.</param>
/// <param name="StartedAt">When the current (or last) run started.</param>
/// <param name="FinishedAt">When it ended.</param>
/// <param name="Metrics">Metrics so far: <c>candidates</c> with each cross-validated score.</param>
/// <param name="Result">When succeeded: the published model and version, the chosen candidate, the CV report, timings.</param>
/// <param name="Error">Why it failed or was cancelled.</param>
public sealed record TrainingJobResponse(
    string Id,
    string Model,
    [property: AllowedValues("queued", "running", "succeeded", "failed", "cancelled")] string Status,
    string Phase,
    double Progress,
    bool MultiLabel,
    int Rows,
    IReadOnlyList<string> Labels,
    string Fingerprint,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    JsonElement? Metrics,
    JsonElement? Result,
    string? Error);
