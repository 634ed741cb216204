namespace MaaS.Services.Training;

/// <summary>Limits of training uploads (section <c>Training</c>).</summary>
internal sealed class TrainingOptions
{
    public const string SectionName = "Training";

    /// <summary>Largest dataset body, in bytes. Default 32 MiB.</summary>
    [Range(1024, 1L << 31)]
    public long MaxBodyBytes { get; set; } = 32L * 1024 * 1024;

    /// <summary>Most rows. Default 200,000.</summary>
    [Range(2, 10_000_000)]
    public int MaxRows { get; set; } = 200_000;

    /// <summary>Fewest rows each label needs. Default 3.</summary>
    [Range(1, 1_000_000)]
    public int MinExamplesPerLabel { get; set; } = 3;

    /// <summary>Most distinct labels. Default 500.</summary>
    [Range(2, 100_000)]
    public int MaxLabels { get; set; } = 500;

    /// <summary>Longest text, in UTF-16 characters (as serving accepts). Default 20,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxTextLength { get; set; } = 20_000;

    /// <summary>
    /// The registry's sentence-embedding model whose vectors join the candidates (each n-gram set + embedding); empty
    /// leaves them out. When it is not served, jobs that do not ask for an embedding set train on n-grams alone.
    /// </summary>
    public string EmbeddingModel { get; set; } = Models.Embeddings.EmbeddingService.DefaultModel;

    /// <summary>Most problems one 400 lists (the rest are counted). Default 100.</summary>
    [Range(1, 10_000)]
    public int MaxProblems { get; set; } = 100;
}

/// <summary>Validates <see cref="TrainingOptions"/> from its data annotations.</summary>
[OptionsValidator]
internal sealed partial class TrainingOptionsValidator : IValidateOptions<TrainingOptions>;
