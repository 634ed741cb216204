using System.Text.RegularExpressions;

namespace MaaS.Storage.Privacy;

/// <summary>
/// Reads the keys of <see cref="PrivacyOptions"/> (or the user key file) into a <see cref="PrivacyCodec"/>. A missing
/// or malformed key is a <see cref="PrivacyKeyException"/> naming the setting, raised when the storage opens.
/// </summary>
internal static partial class PrivacyKeys
{
    private const int UserKeyBytes = 32;

    /// <param name="dataFolder">Where the key file lives when <see cref="PrivacyOptions.KeyFile"/> is unset.</param>
    public static PrivacyCodec Load(PrivacyOptions? options, string dataFolder)
    {
        options ??= new PrivacyOptions();
        byte[] userKey = options.UserKey is { Length: > 0 } configured
            ? Decode(configured, "Privacy:UserKey", UserKeyBytes, exact: false)
            : ReadOrCreateKeyFile(options.KeyFile ?? Path.Combine(dataFolder, PrivacyOptions.DefaultKeyFileName));
        var keys = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (id, value) in options.EncryptionKeys)
        {
            if (!KeyId().IsMatch(id))
            {
                throw new PrivacyKeyException($"Privacy:EncryptionKeys: key id '{id}' must be 1-32 letters, digits, '-' or '_'.");
            }
            keys[id] = Decode(value, $"Privacy:EncryptionKeys:{id}", 32, exact: true);
        }
        if (options.EncryptionKeyId is { Length: > 0 } current && !keys.ContainsKey(current))
        {
            throw new PrivacyKeyException($"Privacy:EncryptionKeyId '{current}' has no key in Privacy:EncryptionKeys.");
        }
        return new PrivacyCodec(userKey, keys, string.IsNullOrEmpty(options.EncryptionKeyId) ? null : options.EncryptionKeyId);
    }

    /// <summary>A new random key as base64 (what <c>Privacy:UserKey</c> and <c>Privacy:EncryptionKeys</c> take).</summary>
    public static string NewKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static byte[] ReadOrCreateKeyFile(string path)
    {
        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }
            try
            {
                using var writer = new StreamWriter(path, options);
                writer.Write(NewKey());
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process (the CLI beside the gateway) created it first: use theirs.
            }
        }
        return Decode(File.ReadAllText(path).Trim(), $"user key file {path}", UserKeyBytes, exact: false);
    }

    private static byte[] Decode(string base64, string setting, int bytes, bool exact)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException)
        {
            throw new PrivacyKeyException($"{setting} is not valid base64.");
        }
        if (exact ? key.Length != bytes : key.Length < bytes)
        {
            throw new PrivacyKeyException($"{setting} must be {(exact ? "exactly" : "at least")} {bytes} bytes (base64), not {key.Length}.");
        }
        return key;
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{1,32}$")]
    private static partial Regex KeyId();
}
