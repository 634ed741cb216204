namespace MaaS.Storage.Privacy;

/// <summary>
/// The rules both providers apply to their <c>privacy</c> table when they open: the keys configured must be the keys
/// the data was written with (a wrong user key would silently split every user in two; a missing encryption key would
/// leave events unreadable), checked by their check values, never by the keys themselves.
/// </summary>
internal static class PrivacyState
{
    public const string Pseudonymised = "pseudonymised";
    public const string UserKey = "user-key";
    public const string EncryptionKeyPrefix = "encryption-key:";

    /// <summary>Progress of re-sealing under the current key: <c>{key id}:{last seq done}</c>.</summary>
    public const string ResealCursor = "reseal-cursor";

    /// <summary>The cursor's last sequence done for <paramref name="currentKeyId"/>; 0 when none, or recorded for another key.</summary>
    public static long CursorOf(string? stored, string currentKeyId) =>
        stored is not null && stored.StartsWith(currentKeyId + ":", StringComparison.Ordinal)
        && long.TryParse(stored.AsSpan(currentKeyId.Length + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seq)
            ? seq
            : 0;

    /// <summary>The cursor's stored value.</summary>
    public static string Cursor(string currentKeyId, long seq) => currentKeyId + ":" + seq.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// Compares the stored check values with <paramref name="codec"/>'s; returns the rows to add (the first use of a
    /// key). Throws <see cref="PrivacyKeyException"/> with the setting to fix when a key is missing or wrong.
    /// </summary>
    public static List<(string Name, string Value)> Verify(IReadOnlyDictionary<string, string> stored, PrivacyCodec codec)
    {
        var add = new List<(string, string)>();
        if (!stored.TryGetValue(UserKey, out var userCheck))
        {
            add.Add((UserKey, codec.UserKeyCheck));
        }
        else if (userCheck != codec.UserKeyCheck)
        {
            throw new PrivacyKeyException(
                "The user key (Privacy:UserKey or the privacy.key file) is not the key this database's user pseudonyms were made with; restore the original key.");
        }
        var known = new HashSet<string>(codec.KeyIds, StringComparer.Ordinal);
        foreach (var (name, check) in stored)
        {
            if (!name.StartsWith(EncryptionKeyPrefix, StringComparison.Ordinal))
            {
                continue;
            }
            var id = name[EncryptionKeyPrefix.Length..];
            if (!known.Contains(id))
            {
                throw new PrivacyKeyException($"The database holds events encrypted with key '{id}', which Privacy:EncryptionKeys does not hold; they cannot be read without it.");
            }
            if (codec.EncryptionKeyCheck(id) != check)
            {
                throw new PrivacyKeyException($"Privacy:EncryptionKeys:{id} is not the key this database's events were encrypted with under that id.");
            }
        }
        if (codec.CurrentKeyId is { } current && !stored.ContainsKey(EncryptionKeyPrefix + current))
        {
            add.Add((EncryptionKeyPrefix + current, codec.EncryptionKeyCheck(current)));
        }
        return add;
    }
}
