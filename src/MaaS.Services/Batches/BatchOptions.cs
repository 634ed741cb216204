namespace MaaS.Services.Batches;

/// <summary>Limits of OpenAI's Files and Batch APIs (section <c>Batches</c>).</summary>
internal sealed class BatchOptions : IValidatableObject
{
    public const string SectionName = "Batches";

    /// <summary>Largest file one upload may carry, in bytes. Default 100 MB (104,857,600), the size of an OpenAI batch input.</summary>
    [Range(1, 1L << 31)]
    public long MaxFileBytes { get; set; } = 100L * 1024 * 1024;

    /// <summary>Most files one tenant may keep, uploads and batch outputs together. Default 1,000.</summary>
    [Range(1, 1_000_000)]
    public int MaxFilesPerTenant { get; set; } = 1_000;

    /// <summary>Most bytes of files one tenant may keep. Default 1 GB (1,073,741,824).</summary>
    [Range(1, 1L << 40)]
    public long MaxBytesPerTenant { get; set; } = 1L << 30;

    /// <summary>Most requests (lines) in one batch's input file. Default 50,000, OpenAI's limit.</summary>
    [Range(1, 1_000_000)]
    public int MaxRequests { get; set; } = 50_000;

    /// <summary>
    /// Texts a batch sends to a model in one call: consecutive lines for the same model are joined until they hold at
    /// least this many, so a batch of one-text lines runs as the encoder's batches rather than one call per line. Default 32.
    /// </summary>
    [Range(1, 2048)]
    public int TextsPerCall { get; set; } = 32;

    /// <summary>
    /// How long a batch has to finish, in seconds, from its creation: OpenAI's <c>24h</c> completion window (the only one
    /// a request may name). A batch not done by then ends <c>expired</c>, its unanswered lines in the error file as
    /// <c>batch_expired</c>. Default 86,400 (24 hours); shorter only for tests.
    /// </summary>
    [Range(1, 86_400)]
    public double CompletionWindowSeconds { get; set; } = 86_400;

    /// <summary>
    /// Answered lines a batch stores as one checkpoint (a part of its output and error files): a run taken up again after
    /// a crash starts after the last part. Default 1,000.
    /// </summary>
    [Range(1, 1_000_000)]
    public int CheckpointLines { get; set; } = 1_000;

    /// <summary>Longest a batch goes without storing a checkpoint of the lines it answered, in seconds. Default 10.</summary>
    [Range(0.01, 86_400)]
    public double CheckpointSeconds { get; set; } = 10;

    /// <summary>
    /// How often the files that expired (<c>expires_after</c>, <c>output_expires_after</c>) are deleted, in seconds. An
    /// expired file reads as gone from the moment it expires; this bounds how long its bytes stay stored. Default 60.
    /// </summary>
    [Range(0.05, 3_600)]
    public double ExpirySweepSeconds { get; set; } = 60;

    /// <summary>
    /// The expiry, in seconds from its creation, of a file whose request gives none: an upload without
    /// <c>expires_after</c>, the output and error files of a batch without <c>output_expires_after</c>. Unset (the default):
    /// such files are kept until deleted. OpenAI expires batch uploads after 30 days (2,592,000). An hour to 100 years.
    /// </summary>
    [Range(3_600, 3_153_600_000)]
    public long? DefaultFileExpirySeconds { get; set; }

    /// <summary>
    /// A tenant's own <see cref="DefaultFileExpirySeconds"/>, shorter or longer, for its uploads and batch outputs
    /// (tenants have no settings store of their own). An hour to 100 years each.
    /// </summary>
    public Dictionary<string, long> TenantDefaultFileExpirySeconds { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The expiry, in seconds, of <paramref name="tenant"/>'s files whose request gives none, or null: kept until deleted.</summary>
    public long? DefaultFileExpiryOf(string tenant) =>
        TenantDefaultFileExpirySeconds.TryGetValue(tenant, out long seconds) ? seconds : DefaultFileExpirySeconds;

    /// <summary>A tenant's default expiry is in <see cref="DefaultFileExpirySeconds"/>'s range.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (tenant, seconds) in TenantDefaultFileExpirySeconds)
        {
            if (seconds is < 3_600 or > 3_153_600_000)
            {
                yield return new ValidationResult(
                    $"{nameof(TenantDefaultFileExpirySeconds)}:{tenant} is {seconds}; a file's expiry must be between an hour (3,600 s) and 100 years (3,153,600,000 s).",
                    [nameof(TenantDefaultFileExpirySeconds)]);
            }
        }
    }
}

/// <summary>Validates <see cref="BatchOptions"/> from its data annotations.</summary>
[OptionsValidator]
internal sealed partial class BatchOptionsValidator : IValidateOptions<BatchOptions>;
