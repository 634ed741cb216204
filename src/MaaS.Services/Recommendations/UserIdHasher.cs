namespace MaaS.Services.Recommendations;

/// <summary>
/// Stands for user ids in logs: the first 12 hex digits of HMAC-SHA256(key, id). With a configured key the same user
/// hashes the same across replicas and restarts (so logs can be joined); a raw id never reaches a log. Thread-safe.
/// </summary>
internal sealed class UserIdHasher
{
    private readonly byte[] _key;

    public UserIdHasher(IOptions<RecommendationOptions> options)
    {
        string? configured = options.Value.LogHashKey;
        _key = string.IsNullOrEmpty(configured) ? RandomNumberGenerator.GetBytes(32) : Encoding.UTF8.GetBytes(configured);
    }

    public string Hash(string userId)
    {
        Span<byte> mac = stackalloc byte[32];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(userId), mac);
        return Convert.ToHexStringLower(mac[..6]);
    }
}
