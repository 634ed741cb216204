using MaaS.Models.Embeddings;
using MaaS.Services.Market;

namespace MaaS.Services.Training;

/// <summary>
/// Runs a <c>text-classification</c> job: reads the stored dataset, trains on the runner's low-priority threads
/// (<see cref="TextClassifierTrainer"/>: k-fold cross-validation over the n-gram feature sets, each alone and joined with
/// the served sentence encoder's embedding, and λ), and publishes the
/// model as the next version of the tenant's private model through the market, with the card holding the
/// cross-validation report, the dataset's fingerprint, the parameters and the timings. Running a job again (after a
/// crash) trains again and publishes one more version. Singleton.
/// </summary>
internal sealed class TrainingJobHandler(ModelPublisher publisher, IOptions<TrainingOptions> trainingOptions, EmbeddingService? encoder = null) : IJobHandler
{
    public const string JobKind = "text-classification";

    // Texts per embedding call: one call in flight at a time, so a job's encoding never floods the encoder's batcher.
    private const int EmbeddingChunk = 64;

    // Share of the progress bar the embedding pass takes when there is one.
    private const double EmbeddingShare = 0.3;

    public string Kind => JobKind;

    public async Task<string> RunAsync(JobExecution execution, CancellationToken cancellationToken)
    {
        var job = execution.Job;
        var spec = JsonSerializer.Deserialize(job.Request, TrainingJsonContext.Default.TrainingSpec)
            ?? throw new JobFailedException("the job's request could not be read");
        execution.Report("reading the dataset", 0);
        var rows = TrainingDataset.ReadCanonical(await execution.ReadInputAsync(cancellationToken).ConfigureAwait(false));
        var texts = rows.Select(r => r.Text).ToArray();
        var (embeddings, embeddingNote) = await EmbedAsync(spec, texts, execution, cancellationToken).ConfigureAwait(false);
        double start = embeddings is null ? 0 : EmbeddingShare;
        var progress = new SynchronousProgress(p => execution.Report(
            p.Phase, start + (0.95 - start) * p.Fraction, JsonSerializer.Serialize(new TrainingMetrics(p.Scored), TrainingJsonContext.Default.TrainingMetrics)));
        var origin = new TrainingOrigin($"through the API (job {job.Id})", job.Id, null);
        var trained = await execution.RunCpuAsync(
            () => TrainingPipeline.Train(spec, rows, job.InputSha256, ModelListing.Qualify(job.Tenant, spec.Model), origin, embeddings, embeddingNote, progress, cancellationToken),
            cancellationToken).ConfigureAwait(false);

        execution.Report("publishing", 0.97);
        var published = await publisher.PublishAsync(job.Tenant, trained.Card, trained.Onnx, cancellationToken).ConfigureAwait(false);
        if (!published.TryGetValue(out var version, out var error))
        {
            throw new JobFailedException($"the trained model could not be published: {error.Message}");
        }

        var outcome = trained.Outcome with { Model = version.Name, Version = version.Version };
        return JsonSerializer.Serialize(outcome, TrainingJsonContext.Default.TrainingOutcome);
    }

    /// <summary>
    /// Every row's embedding from the configured encoder (one version throughout), when some candidate may use it; null
    /// with the reason otherwise. A job that names an embedding set fails when the encoder is not served.
    /// </summary>
    private async Task<(TextEmbeddings? Embeddings, string Note)> EmbedAsync(TrainingSpec spec, string[] texts, JobExecution execution, CancellationToken cancellationToken)
    {
        string model = trainingOptions.Value.EmbeddingModel;
        bool asked = spec.FeatureSets?.Any(TextFeatureSets.NeedsEmbedding) == true;
        if (spec.FeatureSets is not null && !asked)
        {
            return (null, "not asked for");
        }

        if (string.IsNullOrEmpty(model) || encoder is null)
        {
            return asked ? throw new JobFailedException("an embedding feature set was asked for, and this gateway has no sentence encoder configured") : (null, "no encoder configured");
        }

        var vectors = new float[texts.Length][];
        long? version = null;
        for (int from = 0; from < texts.Length; from += EmbeddingChunk)
        {
            execution.Report($"embedding the texts with {model} ({from}/{texts.Length})", EmbeddingShare * from / texts.Length);
            string[] chunk = texts[from..Math.Min(texts.Length, from + EmbeddingChunk)];
            // The job's deadline, not the serving timeout of one client request: on a busy box (or a big set) a call can
            // wait long behind serving traffic, and the job as a whole is bounded by Jobs:MaxRunSeconds.
            var embedded = await encoder.EmbedAsync(model, version, chunk, null, execution.TimeLeft, cancellationToken).ConfigureAwait(false);
            if (!embedded.TryGetValue(out var batch, out var error))
            {
                bool absent = from == 0 && error.Code is ErrorCode.ModelNotFound or ErrorCode.ModelNotReady or ErrorCode.Unsupported;
                return absent && !asked
                    ? (null, $"{model} not served: {error.Message}")
                    : throw new JobFailedException($"the texts could not be embedded with {model}: {error.Message}");
            }

            version = batch.Version;
            for (int i = 0; i < chunk.Length; i++)
            {
                vectors[from + i] = batch[i].ToArray();
            }
        }

        return (new TextEmbeddings(model, version!.Value, vectors), $"{model} v{version}");
    }

}
