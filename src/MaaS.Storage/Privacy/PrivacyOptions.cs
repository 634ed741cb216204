namespace MaaS.Storage.Privacy;

/// <summary>
/// Keys of pseudonymous users and of encryption at rest (configuration section <c>Privacy</c>). None of them is ever
/// stored in the database: a copy of the database alone reveals neither user ids nor sealed event fields.
/// </summary>
public sealed class PrivacyOptions
{
    /// <summary>Name of the user key file created in the data folder when no key is configured.</summary>
    public const string DefaultKeyFileName = "privacy.key";

    /// <summary>
    /// Master key of user pseudonyms (base64, at least 32 bytes). Each tenant's HMAC key is derived from it. When
    /// unset, the key is read from <see cref="KeyFile"/>, which is created (mode 0600) with a random key on first start.
    /// </summary>
    public string? UserKey { get; set; }

    /// <summary>The user key file; null: <see cref="DefaultKeyFileName"/> in the data folder (the SQLite file's folder).</summary>
    public string? KeyFile { get; set; }

    /// <summary>
    /// Keys of field encryption by key id (1-32 letters, digits, '-' or '_'), each base64 of 32 bytes (AES-256-GCM).
    /// Every key that sealed data must stay here to read it; only <see cref="EncryptionKeyId"/> seals new data.
    /// </summary>
    public Dictionary<string, string> EncryptionKeys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The key id new events are sealed with; null leaves new events unencrypted (old ones stay readable).</summary>
    public string? EncryptionKeyId { get; set; }

    /// <summary>
    /// The options as the environment names them (<c>Privacy__UserKey</c>, <c>Privacy__KeyFile</c>,
    /// <c>Privacy__EncryptionKeyId</c>, <c>Privacy__EncryptionKeys__{id}</c>): what a tool without configuration files
    /// (the <c>maas</c> CLI) uses, so it opens the gateway's database with the gateway's keys.
    /// </summary>
    public static PrivacyOptions FromEnvironment()
    {
        const string keys = "Privacy__EncryptionKeys__";
        var options = new PrivacyOptions
        {
            UserKey = Environment.GetEnvironmentVariable("Privacy__UserKey"),
            KeyFile = Environment.GetEnvironmentVariable("Privacy__KeyFile"),
            EncryptionKeyId = Environment.GetEnvironmentVariable("Privacy__EncryptionKeyId"),
        };
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && name.StartsWith(keys, StringComparison.Ordinal) && variable.Value is string value)
            {
                options.EncryptionKeys[name[keys.Length..]] = value;
            }
        }
        return options;
    }
}
