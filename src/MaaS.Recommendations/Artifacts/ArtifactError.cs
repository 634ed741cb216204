namespace MaaS.Recommendations.Artifacts;

/// <summary>Why an artifact could not be read (errors are values).</summary>
public enum ArtifactError
{
    /// <summary>Read and validated.</summary>
    None = 0,

    /// <summary>The file does not exist.</summary>
    NotFound,

    /// <summary>Shorter than its header or than the length it declares.</summary>
    Truncated,

    /// <summary>Not an item-CF artifact.</summary>
    BadMagic,

    /// <summary>A format version this reader does not know.</summary>
    UnsupportedVersion,

    /// <summary>The header or body checksum does not match: the bytes were changed.</summary>
    ChecksumMismatch,

    /// <summary>Checksums match but the content is inconsistent (bad offsets, ids out of range, duplicate ids).</summary>
    Corrupt,
}

/// <summary>The outcome of reading an artifact: an index, or an error with a detail for logs.</summary>
/// <param name="Index">The index when <paramref name="Error"/> is None.</param>
/// <param name="Error">What went wrong.</param>
/// <param name="Detail">Human-readable detail (no user data).</param>
public sealed record ArtifactReadResult(ItemIndex? Index, ArtifactError Error, string? Detail = null);
