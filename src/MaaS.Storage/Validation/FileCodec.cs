using System.Buffers;

namespace MaaS.Storage.Validation;

/// <summary>The checks both file stores apply before a write or a lookup.</summary>
internal static class FileCodec
{
    /// <summary>The prefix of every file id.</summary>
    public const string Prefix = "file-";

    /// <summary>Longest file name kept.</summary>
    public const int MaxFilenameLength = 255;

    private static readonly SearchValues<char> Hex = SearchValues.Create("0123456789abcdef");

    /// <summary>Server-minted ids are <c>file-</c> and 32 lower-case hex characters; anything else names no file.</summary>
    public static bool IsId(string? id) =>
        id is { Length: 37 } && id.StartsWith(Prefix, StringComparison.Ordinal) && id.AsSpan(Prefix.Length).ContainsAnyExcept(Hex) is false;

    public static Error? New(NewFile file) =>
        !IsId(file.Id) ? Error.Invalid("id", "must be 'file-' and 32 lower-case hex characters")
        : InputValidator.Tenant(file.Tenant) is { } tenant ? tenant
        : string.IsNullOrEmpty(file.Filename) || file.Filename.Length > MaxFilenameLength ? Error.Invalid("filename", $"must be 1-{MaxFilenameLength} characters")
        : string.IsNullOrEmpty(file.Purpose) || file.Purpose.Length > 64 ? Error.Invalid("purpose", "must be 1-64 characters")
        : file.ExpiresAfter is { } after && (after < TimeSpan.FromMilliseconds(1) || after > MaxExpiresAfter) ? Error.Invalid("expiresAfter", "must be 1 ms to 100 years")
        : null;

    /// <summary>The longest expiry a file may be given (the API allows 30 days; the bound keeps the sum in range).</summary>
    public static readonly TimeSpan MaxExpiresAfter = TimeSpan.FromDays(36_500);

    /// <summary>The expiry in whole milliseconds, as both stores keep it, or null.</summary>
    public static long? ExpiresAfterMs(NewFile file) => file.ExpiresAfter is { } after ? (long)after.TotalMilliseconds : null;

    /// <summary>The refusal of a write that takes the tenant past its quota, or null.</summary>
    public static Error? OverQuota(long files, long bytes, long adding, FileQuota? quota) =>
        quota is null ? null
        : files + 1 > quota.MaxFiles ? new Error(ErrorCode.Conflict, $"the tenant's file quota is reached: at most {quota.MaxFiles} files; delete some first", [])
        : bytes + adding > quota.MaxBytes ? new Error(ErrorCode.Conflict, $"the tenant's file quota is reached: at most {quota.MaxBytes} bytes of files; delete some first", [])
        : null;
}
