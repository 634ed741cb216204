using Microsoft.Win32.SafeHandles;

namespace MaaS.Models.SharedMemory;

/// <summary>
/// POSIX shared memory names as <c>shm_open</c> takes them (tritonclient's keys, such as <c>/input_data</c>): one
/// leading slash at most, then one file name, which Linux keeps as <c>/dev/shm/&lt;name&gt;</c>. Nothing else on the
/// host can be named: no further slash, no <c>.</c> or <c>..</c>, no NUL, and a link is refused.
/// </summary>
internal static class SharedMemoryKeys
{
    /// <summary>The folder every key resolves in.</summary>
    public const string Root = "/dev/shm";

    private const int MaxNameLength = 255;

    /// <summary>The path of the object <paramref name="key"/> names, or why it is not a POSIX shared memory name.</summary>
    public static Result<string> Resolve(string? key)
    {
        string name = key is ['/', .. var rest] ? rest : key ?? "";
        if (name.Length == 0 || name.Length > MaxNameLength || name is "." or ".." || name.AsSpan().IndexOfAny('/', '\0') >= 0)
        {
            return new Error(ErrorCode.InvalidRequest,
                $"key '{Clip(key)}' is not a POSIX shared memory name: '/' then 1 to {MaxNameLength} characters, with no further '/' and not '.' or '..'");
        }

        return Path.Join(Root, name);
    }

    /// <summary>Whether the open <paramref name="handle"/> is the object at <paramref name="path"/> itself (Linux's /proc/self/fd).</summary>
    public static bool IsOpenedAt(SafeFileHandle handle, string path)
    {
        string link = $"/proc/self/fd/{handle.DangerousGetHandle()}";
        try
        {
            return File.ResolveLinkTarget(link, returnFinalTarget: false)?.FullName == path;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static string Clip(string? text) => text is null ? "" : text.Length <= 64 ? text : text[..64] + "...";
}
