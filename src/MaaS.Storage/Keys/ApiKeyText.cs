namespace MaaS.Storage.Keys;

/// <summary>
/// The text form of an API key, <c>maas_&lt;keyId&gt;_&lt;secret&gt;</c>: a 16-hex-digit public id (for lookup and
/// logs) and a 256-bit random secret (43 base64url characters) of which only the SHA-256 is stored. Thread-safe.
/// </summary>
public static class ApiKeyText
{
    /// <summary>Prefix of every generated key, so leaked keys are easy to spot by secret scanners.</summary>
    public const string Prefix = "maas_";

    /// <summary>
    /// A new key: the record to store (hash only) and the text to show once to its owner. The caller stores the
    /// record; nothing else keeps the text.
    /// </summary>
    public static (ApiKeyRecord Record, string Text) Create(
        string tenant, string name, IReadOnlyList<string> roles, ApiKeyLimits? limits, DateTimeOffset now)
    {
        string keyId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        string secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var record = new ApiKeyRecord(keyId, tenant, name, [.. roles.Distinct(StringComparer.Ordinal)], Hash(secret), now, null, limits ?? ApiKeyLimits.Default);
        return (record, $"{Prefix}{keyId}_{secret}");
    }

    /// <summary>Splits key text into id and secret; false for anything not shaped like a generated key.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out string keyId, out string secret)
    {
        keyId = secret = string.Empty;
        if (text.Length is < 40 or > 128 || !text.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }
        var rest = text[Prefix.Length..];
        int separator = rest.IndexOf('_');
        if (separator < 0)
        {
            return false;
        }
        var id = rest[..separator];
        var secretPart = rest[(separator + 1)..];
        if (!ApiKeyRules.IsValidKeyId(id.ToString()) || secretPart.Length < 32)
        {
            return false;
        }
        foreach (char c in secretPart)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }
        keyId = id.ToString();
        secret = secretPart.ToString();
        return true;
    }

    /// <summary>Lower-case hex SHA-256 of a secret (UTF-8).</summary>
    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>Compares a presented secret with a stored hash in constant time (no early exit on the first differing byte).</summary>
    public static bool Verify(string secret, string storedHash)
    {
        Span<byte> presented = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(secret), presented);
        Span<byte> stored = stackalloc byte[32];
        if (storedHash.Length != 64 || Convert.FromHexString(storedHash, stored, out _, out int written) != System.Buffers.OperationStatus.Done || written != 32)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(presented, stored);
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
