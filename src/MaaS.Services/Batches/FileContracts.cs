namespace MaaS.Services.Batches;

/// <summary>OpenAI's file object.</summary>
/// <param name="Id"><c>file-</c> and 32 hex characters.</param>
/// <param name="Bytes">Size in bytes.</param>
/// <param name="CreatedAt">Unix seconds.</param>
/// <param name="Filename">The name it was uploaded (or written) under.</param>
/// <param name="Purpose"><c>batch</c> (an upload) or <c>batch_output</c> (a batch's output or error file).</param>
public sealed record OpenAiFile(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("created_at")] long CreatedAt,
    [property: JsonPropertyName("filename")] string Filename,
    [property: JsonPropertyName("purpose")] string Purpose)
{
    /// <summary>Always <c>file</c>.</summary>
    [JsonPropertyName("object")]
    public string Object { get; init; } = "file";

    /// <summary>Always <c>processed</c>: a file is stored whole before it is answered.</summary>
    [JsonPropertyName("status")]
    public string Status { get; init; } = "processed";

    /// <summary>When the file expires (Unix seconds; from then on it is gone), or null: kept until deleted.</summary>
    [JsonPropertyName("expires_at")]
    public long? ExpiresAt { get; init; }
}

/// <summary>OpenAI's list object.</summary>
/// <param name="Data">The page.</param>
/// <param name="FirstId">The first item's id, or null for an empty page.</param>
/// <param name="LastId">The last item's id (the next page's <c>after</c>), or null.</param>
/// <param name="HasMore">Whether items follow the page.</param>
public sealed record OpenAiList<T>(
    [property: JsonPropertyName("data")] IReadOnlyList<T> Data,
    [property: JsonPropertyName("first_id")] string? FirstId,
    [property: JsonPropertyName("last_id")] string? LastId,
    [property: JsonPropertyName("has_more")] bool HasMore)
{
    /// <summary>Always <c>list</c>.</summary>
    [JsonPropertyName("object")]
    public string Object { get; init; } = "list";
}

/// <summary>OpenAI's answer to a deleted file.</summary>
/// <param name="Id">The file's id.</param>
public sealed record OpenAiFileDeleted([property: JsonPropertyName("id")] string Id)
{
    /// <summary>Always <c>file</c>.</summary>
    [JsonPropertyName("object")]
    public string Object { get; init; } = "file";

    /// <summary>Always true.</summary>
    [JsonPropertyName("deleted")]
    public bool Deleted { get; init; } = true;
}
