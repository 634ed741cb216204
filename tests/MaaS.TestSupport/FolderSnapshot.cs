using System.Security.Cryptography;

namespace MaaS.TestSupport;

/// <summary>What a test compares to show that nothing in some folders changed (a refused upload, a failed publish).</summary>
public static class FolderSnapshot
{
    /// <summary>Every file and folder under <paramref name="roots"/> (those that exist), each file with its size and SHA-256, in ordinal order.</summary>
    public static string Of(params string[] roots) => string.Join('\n', roots.Where(Directory.Exists).SelectMany(root => Directory
        .EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(p => File.Exists(p)
            ? $"{root}: {Path.GetRelativePath(root, p)} {new FileInfo(p).Length} {Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p)))}"
            : $"{root}: {Path.GetRelativePath(root, p)}/")));
}
