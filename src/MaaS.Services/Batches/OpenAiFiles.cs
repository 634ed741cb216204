namespace MaaS.Services.Batches;

/// <summary>
/// OpenAI's Files API over <see cref="IFileStore"/>: uploads of purpose <c>batch</c> within the tenant's quota, OpenAI's
/// file objects and lists, content and deletion, each tenant seeing only its own files. Singleton; thread-safe.
/// </summary>
internal sealed class OpenAiFiles(IStorage storage, IOptions<BatchOptions> options)
{
    /// <summary>The purpose an upload may have.</summary>
    public const string UploadPurpose = "batch";

    /// <summary>The purpose of the files a batch writes.</summary>
    public const string OutputPurpose = "batch_output";

    /// <summary>OpenAI's largest page of files.</summary>
    public const int MaxListLimit = 10_000;

    /// <summary>The shortest and the longest expiry OpenAI's <c>expires_after.seconds</c> allows: an hour, 30 days.</summary>
    public const long MinExpirySeconds = 3_600, MaxExpirySeconds = 2_592_000;

    public BatchOptions Options => options.Value;

    /// <summary>
    /// Stores an upload of purpose <c>batch</c>; with <paramref name="expiresAnchor"/> and <paramref name="expiresSeconds"/>
    /// (the form's <c>expires_after[anchor]</c> and <c>expires_after[seconds]</c>, both or neither) it expires that long after its creation;
    /// without them, after the tenant's default (<see cref="BatchOptions.DefaultFileExpiryOf"/>) when one is set.
    /// </summary>
    public async Task<Result<OpenAiFile>> UploadAsync(
        string tenant, string? filename, string? purpose, string? expiresAnchor, string? expiresSeconds, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (purpose != UploadPurpose)
        {
            return Error.InvalidField("purpose", purpose is null
                ? "'purpose' is required: this gateway takes files of purpose 'batch'"
                : $"purpose '{purpose}' is not supported here: this gateway takes files of purpose 'batch' (inputs of /openai/v1/batches)");
        }

        string name = Path.GetFileName(filename ?? string.Empty);
        if (name.Length is 0 or > 255)
        {
            return Error.InvalidField("file", "the file part needs a file name of 1-255 characters");
        }

        TimeSpan? expiresAfter = null;
        if (expiresAnchor is not null || expiresSeconds is not null)
        {
            long? seconds = long.TryParse(expiresSeconds, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed) ? parsed : null;
            if (expiresSeconds is not null && seconds is null)
            {
                return Error.InvalidField(FormSeconds, $"expires_after[seconds] must be a whole number of seconds, {MinExpirySeconds} to {MaxExpirySeconds}");
            }

            if (CheckExpiry(expiresAnchor, seconds, FormAnchor, FormSeconds) is { } problem)
            {
                return new Error(ErrorCode.InvalidRequest, problem.Reason, [problem]);
            }

            expiresAfter = TimeSpan.FromSeconds(seconds!.Value);
        }

        expiresAfter ??= Options.DefaultFileExpiryOf(tenant) is { } byDefault ? TimeSpan.FromSeconds(byDefault) : null;
        var quota = new FileQuota(Options.MaxFilesPerTenant, Options.MaxBytesPerTenant);
        var stored = await storage.Files.PutAsync(new NewFile(NewId(), tenant, name, UploadPurpose, expiresAfter), content, quota, cancellationToken).ConfigureAwait(false);
        return stored.IsSuccess ? ToFile(stored.Value) : stored.Error;
    }

    public async Task<Result<OpenAiFile>> GetAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        var found = await storage.Files.GetAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        return found.IsSuccess ? ToFile(found.Value) : NotFound(id);
    }

    public async Task<Result<byte[]>> ContentAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        var found = await storage.Files.GetContentAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        return found.IsSuccess ? found.Value : found.Error.Code == ErrorCode.NotFound ? NotFound(id) : found.Error;
    }

    public async Task<Result<OpenAiFileDeleted>> DeleteAsync(string tenant, string id, CancellationToken cancellationToken)
    {
        var deleted = await storage.Files.DeleteAsync(tenant, id, cancellationToken).ConfigureAwait(false);
        return deleted.IsSuccess ? new OpenAiFileDeleted(deleted.Value.Id) : deleted.Error.Code == ErrorCode.NotFound ? NotFound(id) : deleted.Error;
    }

    /// <summary>
    /// OpenAI's list: <paramref name="limit"/> 1..10,000 (default 10,000), <paramref name="order"/> <c>desc</c> (default,
    /// newest first) or <c>asc</c>, <paramref name="after"/> a file id of the list, <paramref name="purpose"/> a filter.
    /// </summary>
    public async Task<Result<OpenAiList<OpenAiFile>>> ListAsync(
        string tenant, string? purpose, int? limit, string? after, string? order, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > MaxListLimit)
        {
            return Error.InvalidField("limit", $"limit must be between 1 and {MaxListLimit}");
        }

        if (order is not (null or "asc" or "desc"))
        {
            return Error.InvalidField("order", $"order must be 'asc' or 'desc', not '{order}'");
        }

        FileCursor? cursor = null;
        if (after is not null)
        {
            var from = await storage.Files.GetAsync(tenant, after, cancellationToken).ConfigureAwait(false);
            if (!from.IsSuccess)
            {
                return from.Error.Code == ErrorCode.NotFound ? Error.InvalidField("after", $"after names no file of this tenant: '{after}'") : from.Error;
            }

            cursor = FileCursor.Of(from.Value);
        }

        int size = limit ?? MaxListLimit;
        bool ascending = order == "asc";
        var page = await storage.Files.ListAsync(tenant, purpose, cursor, ascending, size, cancellationToken).ConfigureAwait(false);
        if (!page.IsSuccess)
        {
            return page.Error;
        }

        // A full page: one more row after it says whether another page follows (a page of 10,000 is the store's largest read).
        bool more = false;
        if (page.Value.Count == size)
        {
            var next = await storage.Files.ListAsync(tenant, purpose, FileCursor.Of(page.Value[^1]), ascending, 1, cancellationToken).ConfigureAwait(false);
            more = next.IsSuccess && next.Value.Count > 0;
        }

        var files = page.Value.Select(ToFile).ToList();
        return new OpenAiList<OpenAiFile>(files, files.FirstOrDefault()?.Id, files.LastOrDefault()?.Id, more);
    }

    /// <summary>
    /// The problem with an expiration policy (OpenAI's <c>expires_after</c>: anchor <c>created_at</c>, seconds
    /// <see cref="MinExpirySeconds"/> to <see cref="MaxExpirySeconds"/>), naming the field at fault, or null.
    /// </summary>
    public static FieldProblem? CheckExpiry(string? anchor, long? seconds, string anchorField, string secondsField) =>
        anchor != ExpiryAnchor ? new FieldProblem(-1, anchorField, $"the expiry's anchor must be '{ExpiryAnchor}' (the only one), not '{anchor}'")
        : seconds is not (>= MinExpirySeconds and <= MaxExpirySeconds) ? new FieldProblem(-1, secondsField, $"the expiry must be {MinExpirySeconds} to {MaxExpirySeconds} seconds (an hour to 30 days)")
        : null;

    /// <summary>A new file id: <c>file-</c> and 32 hex characters.</summary>
    public static string NewId() => "file-" + Guid.NewGuid().ToString("N");

    public static OpenAiFile ToFile(FileRecord file) =>
        new(file.Id, file.Bytes, file.CreatedAt.ToUnixTimeSeconds(), file.Filename, file.Purpose) { ExpiresAt = file.ExpiresAt?.ToUnixTimeSeconds() };

    private const string ExpiryAnchor = "created_at", FormAnchor = "expires_after[anchor]", FormSeconds = "expires_after[seconds]";

    private static Error NotFound(string id) => new(ErrorCode.NotFound, $"no file '{id}' (of this tenant)", []);
}
