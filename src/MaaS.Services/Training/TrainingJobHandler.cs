using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using MaaS.Models.Text.Modeling;
using MaaS.Models.Text.Serving;
using MaaS.Models.Text.Training;
using MaaS.Services.Jobs;
using MaaS.Services.Market;

namespace MaaS.Services.Training;

/// <summary>
/// Runs a <c>text-classification</c> job: reads the stored dataset, trains on the runner's low-priority threads
/// (<see cref="TextClassifierTrainer"/>: k-fold cross-validation over the n-gram feature sets and λ), and publishes the
/// model as the next version of the tenant's private model through the market, with the card holding the
/// cross-validation report, the dataset's fingerprint, the parameters and the timings. Running a job again (after a
/// crash) trains again and publishes one more version. Singleton.
/// </summary>
internal sealed class TrainingJobHandler(ModelPublisher publisher) : IJobHandler
{
    public const string JobKind = "text-classification";

    // A confusion matrix of more labels would outgrow the card (256 KiB); per-label precision and recall stay.
    private const int MaxConfusionLabels = 50;

    public string Kind => JobKind;

    public async Task<string> RunAsync(JobExecution execution, CancellationToken cancellationToken)
    {
        var job = execution.Job;
        var spec = JsonSerializer.Deserialize(job.Request, TrainingJsonContext.Default.TrainingSpec)
            ?? throw new JobFailedException("the job's request could not be read");
        execution.Report("reading the dataset", 0);
        var rows = TrainingDataset.ReadCanonical(await execution.ReadInputAsync(cancellationToken).ConfigureAwait(false));
        var index = spec.Labels.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i, StringComparer.Ordinal);
        var texts = rows.Select(r => r.Text).ToArray();
        var labels = rows.Select(r => r.Labels.Select(l => index[l]).Order().ToArray()).ToArray();
        var options = new TextClassifierOptions { Folds = spec.Folds, Lambdas = spec.Lambdas, FeatureSets = spec.FeatureSets };
        var progress = new SynchronousProgress(p => execution.Report(
            p.Phase, 0.95 * p.Fraction, JsonSerializer.Serialize(new TrainingMetrics(p.Scored), TrainingJsonContext.Default.TrainingMetrics)));
        var result = await execution.RunCpuAsync(
            () => TextClassifierTrainer.Train(texts, labels, spec.Labels, spec.MultiLabel, options, progress, cancellationToken), cancellationToken).ConfigureAwait(false);

        execution.Report("publishing", 0.97);
        string task = spec.MultiLabel ? "multi-label-classification" : "classification";
        var report = spec.Labels.Count > MaxConfusionLabels ? result.Report with { ConfusionMatrix = null } : result.Report;
        var draft = new TrainingOutcome(
            ModelListing.Qualify(job.Tenant, spec.Model), 0, task, job.InputSha256, rows.Count, spec.Labels, result.Chosen, result.Candidates, report,
            result.Folds, result.Threshold, result.Timings, Process.GetCurrentProcess().PeakWorkingSet64);
        byte[] onnx = result.Model.ToOnnx(spec.Model, Metadata(draft));
        var published = await publisher.PublishAsync(job.Tenant, Card(spec, draft, job.Id), onnx, cancellationToken).ConfigureAwait(false);
        if (!published.TryGetValue(out var version, out var error))
        {
            throw new JobFailedException($"the trained model could not be published: {error.Message}");
        }

        var outcome = draft with { Model = version.Name, Version = version.Version };
        return JsonSerializer.Serialize(outcome, TrainingJsonContext.Default.TrainingOutcome);
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

    private static string Card(TrainingSpec spec, TrainingOutcome outcome, string jobId)
    {
        var card = new JsonObject
        {
            ["name"] = spec.Model,
            ["task"] = outcome.Task,
            ["description"] = $"Text classifier trained through the API (job {jobId}) on {outcome.Rows} rows; " +
                $"{outcome.Chosen.FeatureSet} n-grams, λ {outcome.Chosen.Lambda.ToString("G3", CultureInfo.InvariantCulture)}, " +
                $"{outcome.Folds}-fold CV {(spec.MultiLabel ? "micro-F1" : "accuracy")} {outcome.Chosen.Score.ToString("0.0000", CultureInfo.InvariantCulture)}.",
            ["tags"] = new JsonArray("text", "trained"),
            ["labels"] = new JsonArray([.. spec.Labels.Select(l => (JsonNode)JsonValue.Create(l))]),
            ["visibility"] = "private",
            // One /v1/classify call may send this many texts of one length group to the batcher at once.
            ["maxBatchSize"] = TextModelService.MaxTexts,
            ["job"] = jobId,
            ["training"] = JsonSerializer.SerializeToNode(outcome, TrainingJsonContext.Default.TrainingOutcome),
        };
        return card.ToJsonString();
    }

    /// <summary>Reports on the reporting thread (no synchronisation context hop), so the last report is the latest.</summary>
    private sealed class SynchronousProgress(Action<TextTrainingProgress> report) : IProgress<TextTrainingProgress>
    {
        public void Report(TextTrainingProgress value) => report(value);
    }
}
