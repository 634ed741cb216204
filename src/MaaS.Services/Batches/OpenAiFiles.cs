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

    public BatchOptions Options => options.Value;

    public async Task<Result<OpenAiFile>> UploadAsync(string tenant, string? filename, string? purpose, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
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

        var quota = new FileQuota(Options.MaxFilesPerTenant, Options.MaxBytesPerTenant);
        var stored = await storage.Files.PutAsync(new NewFile(NewId(), tenant, name, UploadPurpose), content, quota, cancellationToken).ConfigureAwait(false);
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

    /// <summary>A new file id: <c>file-</c> and 32 hex characters.</summary>
    public static string NewId() => "file-" + Guid.NewGuid().ToString("N");

    public static OpenAiFile ToFile(FileRecord file) => new(file.Id, file.Bytes, file.CreatedAt.ToUnixTimeSeconds(), file.Filename, file.Purpose);

    private static Error NotFound(string id) => new(ErrorCode.NotFound, $"no file '{id}' (of this tenant)", []);
}
