using System.Text.Json.Nodes;
using MaaS.Models.Text.Modeling;
using MaaS.Models.Text.Serving;

namespace MaaS.Services.Training;

/// <summary>
/// The training pipeline behind both <c>POST /v1/trainings</c> and <c>maas train classifier</c>: the candidates chosen by
/// cross-validation (<see cref="TextClassifierTrainer"/>), the ONNX graph with its metadata, and the market card with the
/// report, so a model trained either way is the same model with the same card. Thread-safe (no shared state).
/// </summary>
internal static class TrainingPipeline
{
    /// <summary>What the card says the cross-validation report is.</summary>
    public const string SelectionScore =
        "the chosen candidate's out-of-fold score on the same folds it was chosen on (optimistic by the selection among the candidates)";

    // A confusion matrix of more labels would outgrow the card (256 KiB); per-label precision and recall stay.
    private const int MaxConfusionLabels = 50;

    /// <summary>Trains on <paramref name="rows"/> and builds the model's ONNX bytes and market card.</summary>
    /// <param name="spec">What to train.</param>
    /// <param name="rows">Validated rows.</param>
    /// <param name="fingerprint">SHA-256 of the canonical dataset.</param>
    /// <param name="qualifiedName">The published name (<c>&lt;tenant&gt;.&lt;model&gt;</c>).</param>
    /// <param name="origin">Who asked (the job or the command line), for the card.</param>
    /// <param name="embeddings">Every row's sentence embedding, or null for n-grams only.</param>
    /// <param name="embeddingNote">The encoder's name and version, or why there is none.</param>
    /// <param name="progress">Receives the trainer's progress.</param>
    /// <param name="cancellationToken">Checked between fits.</param>
    public static TrainedClassifier Train(
        TrainingSpec spec, IReadOnlyList<TrainingRow> rows, string fingerprint, string qualifiedName, TrainingOrigin origin,
        TextEmbeddings? embeddings, string embeddingNote, IProgress<TextTrainingProgress>? progress, CancellationToken cancellationToken)
    {
        var index = spec.Labels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i, StringComparer.Ordinal);
        var texts = rows.Select(r => r.Text).ToArray();
        var labels = rows.Select(r => r.Labels.Select(l => index[l]).Order().ToArray()).ToArray();
        var options = new TextClassifierOptions { Folds = spec.Folds, Lambdas = spec.Lambdas, FeatureSets = spec.FeatureSets };
        var result = TextClassifierTrainer.Train(texts, labels, spec.Labels, spec.MultiLabel, options, progress, embeddings, cancellationToken);
        string task = spec.MultiLabel ? "multi-label-classification" : "classification";
        var report = spec.Labels.Count > MaxConfusionLabels ? result.Report with { ConfusionMatrix = null } : result.Report;
        var outcome = new TrainingOutcome(
            qualifiedName, 0, task, fingerprint, rows.Count, spec.Labels, result.Chosen, result.Candidates, report,
            SelectionScore, embeddingNote, result.Folds, result.Threshold, result.Timings, Process.GetCurrentProcess().PeakWorkingSet64);
        byte[] onnx = result.Model.ToOnnx(spec.Model, Metadata(outcome));
        return new TrainedClassifier(result.Model, outcome, onnx, Card(spec, outcome, origin, result.Model));
    }

    private static Dictionary<string, string> Metadata(TrainingOutcome outcome)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["maas.name"] = outcome.Model,
            ["maas.task"] = outcome.Task,
            ["maas.dataset.sha256"] = outcome.Fingerprint,
        };
        if (outcome.Threshold is float threshold)
        {
            string one = threshold.ToString("R", CultureInfo.InvariantCulture);
            metadata[TextModelMetadata.Thresholds] = "[" + string.Join(",", Enumerable.Repeat(one, outcome.Labels.Count)) + "]";
        }

        return metadata;
    }

    private static string Card(TrainingSpec spec, TrainingOutcome outcome, TrainingOrigin origin, LinearTextModel model)
    {
        var features = model.Settings;
        var card = new JsonObject
        {
            ["name"] = spec.Model,
            ["task"] = outcome.Task,
            ["description"] = $"Text classifier trained {origin.Description} on {outcome.Rows} rows; " +
                $"{outcome.Chosen.FeatureSet} features, λ {outcome.Chosen.Lambda.ToString("G3", CultureInfo.InvariantCulture)}, " +
                $"{outcome.Folds}-fold CV {(spec.MultiLabel ? "micro-F1" : "accuracy")} {outcome.Chosen.Score.ToString("0.0000", CultureInfo.InvariantCulture)}.",
            ["tags"] = new JsonArray("text", "trained"),
            ["labels"] = new JsonArray([.. spec.Labels.Select(l => (JsonNode)JsonValue.Create(l))]),
            ["visibility"] = "private",
            // One /v1/classify call may send this many texts of one length group to the batcher at once.
            ["maxBatchSize"] = TextModelService.MaxTexts,
            ["training"] = JsonSerializer.SerializeToNode(outcome, TrainingJsonContext.Default.TrainingOutcome),
        };
        if (features.EmbeddingModel is { } encoder)
        {
            // The graph's last rows weigh the encoder's vector: serving must run that encoder version first.
            card["inputFeatures"] = $"hashed n-grams and the {encoder} v{features.EmbeddingVersion} sentence embedding ({features.EmbeddingDimensions} dimensions × {features.EmbeddingScale?.ToString("G3", CultureInfo.InvariantCulture) ?? "1"}, feature ids {features.Buckets}..{features.FeatureSpace - 1}); /v1/classify computes it, /v2 callers send it";
        }

        if (model.Neighbours is { } head)
        {
            card["head"] = head.Stacking is not null
                ? $"tag votes of the {head.K} nearest of the {head.Count} training texts by embedding cosine (weights max(cosine, 0)^{head.Sharpness.ToString("0", CultureInfo.InvariantCulture)}), combined with the linear probabilities by a logistic regression per label over both{(head.Stacking.UsesLogits ? " and the linear log-odds" : "")} (stacked on out-of-fold scores of the training rows); in the graph as Gemm, TopK and Gather over the stored training vectors, then {(head.Stacking.UsesLogits ? "Max, Min, Div and Log (the log-odds), " : "")}Concat, Gemm and Sigmoid"
                : $"tag votes of the {head.K} nearest of the {head.Count} training texts by embedding cosine (weights max(cosine, 0)^{head.Sharpness.ToString("0", CultureInfo.InvariantCulture)}), blended with the linear probabilities at weight {head.Weight.ToString("0.00", CultureInfo.InvariantCulture)} (count, power and weight chosen with the threshold on a hold-out of the training rows); in the graph as Gemm, TopK and Gather over the stored training vectors";
        }

        if (origin.JobId is not null)
        {
            card["job"] = origin.JobId;
        }

        if (origin.Command is not null)
        {
            card["command"] = origin.Command;
        }

        return card.ToJsonString();
    }
}

/// <summary>A trained classifier ready to publish.</summary>
/// <param name="Model">The model (C# side of the ONNX graph).</param>
/// <param name="Outcome">The report (its version is 0 until published).</param>
/// <param name="Onnx">The ONNX graph with the featurizer, labels and thresholds in its metadata.</param>
/// <param name="Card">The market card JSON.</param>
internal sealed record TrainedClassifier(LinearTextModel Model, TrainingOutcome Outcome, byte[] Onnx, string Card);

/// <summary>Who asked for a training run, as the card tells it.</summary>
/// <param name="Description">Words after "trained", e.g. "through the API (job …)".</param>
/// <param name="JobId">The job, or null.</param>
/// <param name="Command">The command line, or null.</param>
internal sealed record TrainingOrigin(string Description, string? JobId, string? Command);

/// <summary>Reports on the reporting thread (no synchronisation context hop), so the last report is the latest.</summary>
internal sealed class SynchronousProgress(Action<TextTrainingProgress> report) : IProgress<TextTrainingProgress>
{
    public void Report(TextTrainingProgress value) => report(value);
}
