using System.Buffers.Binary;
using System.Buffers.Text;

namespace MaaS.Storage.Privacy;

/// <summary>
/// Turns ids and events into what the database stores and back. User ids become per-tenant keyed hashes
/// (HMAC-SHA256, tenant key = HMAC(master, tenant)): the same id always maps to the same pseudonym, so every lookup,
/// erasure and index build works on it, and nothing in the database maps it back. With a current encryption key, the
/// fields that carry what a user did (event id, item, type, value) are sealed with AES-256-GCM under a fresh nonce,
/// bound to the row's tenant and event key (associated data), so a sealed value cannot be moved to another row.
/// Thread-safe.
/// </summary>
internal sealed class PrivacyCodec
{
    /// <summary>Prefix of a pseudonym ("u." + 22 base64url characters: 128 bits of the MAC).</summary>
    public const string UserPrefix = "u.";

    private const string EventPrefix = "e.";

    // 128 bits of the MAC identify a user or an event id among a tenant's (a collision would need ~2^64 of them);
    // every event row carries both, and 22 characters instead of the full MAC's 43 keep rows and index entries short.
    private const int KeyBytes = 16;
    private const byte Format = 1;
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly byte[] CheckLabel = "maas/key-check"u8.ToArray();

    private readonly byte[] _master;
    private readonly Dictionary<string, byte[]> _keys;
    private readonly ThreadLocal<Dictionary<string, IncrementalHash>> _macs = new(() => new(StringComparer.Ordinal));

    // An AesGcm per key per thread: building one expands the key and allocates a native context, which measured as
    // much as the sealing itself; an instance is not meant for concurrent calls, so threads do not share them.
    private readonly ThreadLocal<Dictionary<string, AesGcm>> _ciphers = new(() => new(StringComparer.Ordinal));

    private readonly bool _pseudonymise;
    private readonly bool _hashEventIds;

    /// <param name="pseudonymise">
    /// False only for the cost measurement's baseline (<c>MaaS.Benchmarks privacy</c>), on a file of its own: user ids
    /// are then stored raw, as before pseudonyms existed. No configuration reaches it.
    /// </param>
    /// <param name="hashEventIds">
    /// False only for the same measurement's isolation of the sealed event key's cost: sealed rows then keep the event
    /// id in clear as their key (so the unique index is appended in id order). No configuration reaches it.
    /// </param>
    public PrivacyCodec(byte[] userKey, Dictionary<string, byte[]> encryptionKeys, string? currentKeyId, bool pseudonymise = true, bool hashEventIds = true)
    {
        _master = userKey;
        _keys = encryptionKeys;
        CurrentKeyId = currentKeyId;
        _pseudonymise = pseudonymise;
        _hashEventIds = hashEventIds;
    }

    /// <summary>The key id new events are sealed with; null when encryption is off.</summary>
    public string? CurrentKeyId { get; }

    /// <summary>Key ids this process can open.</summary>
    public IEnumerable<string> KeyIds => _keys.Keys;

    /// <summary>A value that identifies the user key without revealing it (stored to detect a wrong key at start).</summary>
    public string UserKeyCheck => Check(_master);

    /// <summary>The check value of encryption key <paramref name="keyId"/> (which must be known).</summary>
    public string EncryptionKeyCheck(string keyId) => Check(_keys[keyId]);

    /// <summary>The pseudonym of <paramref name="userId"/> in <paramref name="tenant"/>.</summary>
    public string User(string tenant, string userId) => _pseudonymise ? Hash(tenant, UserPrefix, userId, KeyBytes) : userId;

    /// <summary>The row of an event: pseudonymous, and sealed when a current key is set.</summary>
    public StoredEvent Store(string tenant, InteractionEvent e)
    {
        var user = User(tenant, e.UserId);
        if (CurrentKeyId is null)
        {
            return new StoredEvent(e.EventId, user, e.ItemId, e.Type, e.Value, e.Timestamp, null, e.RecommendationId);
        }
        var eventKey = _hashEventIds ? Hash(tenant, EventPrefix, e.EventId, KeyBytes) : e.EventId;
        return new StoredEvent(eventKey, user, string.Empty, string.Empty, 0, e.Timestamp, Seal(tenant, eventKey, e.EventId, e.ItemId, e.Type, e.Value), e.RecommendationId);
    }

    /// <summary>Seals the fields of a row stored in clear (the migration of existing rows); returns the new event key and blob.</summary>
    public (string EventKey, byte[] Sealed) SealExisting(string tenant, string eventId, string itemId, string type, float value)
    {
        var eventKey = Hash(tenant, EventPrefix, eventId, KeyBytes);
        return (eventKey, Seal(tenant, eventKey, eventId, itemId, type, value));
    }

    /// <summary>
    /// The first bytes of every value sealed under the current key (format, key id length, key id): a row whose
    /// <c>sealed</c> starts otherwise was sealed under an older key. Empty when encryption is off.
    /// </summary>
    public byte[] CurrentPrefix()
    {
        if (CurrentKeyId is null)
        {
            return [];
        }
        var id = Encoding.ASCII.GetBytes(CurrentKeyId);
        return [Format, (byte)id.Length, .. id];
    }

    /// <summary>Opens a row's sealed fields under whatever key sealed them and seals them again under the current key (key rotation); the row keys stay.</summary>
    /// <exception cref="CryptographicException">The sealed fields were altered.</exception>
    /// <exception cref="PrivacyKeyException">The key that sealed them is not configured.</exception>
    public byte[] Reseal(string tenant, string eventKey, byte[] sealedFields)
    {
        var (eventId, item, type, value) = Unseal(tenant, eventKey, sealedFields);
        return Seal(tenant, eventKey, eventId, item, type, value);
    }

    /// <summary>The event a row holds (<paramref name="userId"/> as the caller should see it: the raw id when known, else the pseudonym).</summary>
    /// <exception cref="CryptographicException">The sealed fields were altered or sealed under another key.</exception>
    /// <exception cref="PrivacyKeyException">The key that sealed them is not configured.</exception>
    public InteractionEvent Open(
        string tenant, string eventKey, string userId, string itemId, string type, float value, DateTimeOffset ts, byte[]? sealedFields, string? recommendationId = null)
    {
        if (sealedFields is null)
        {
            return new InteractionEvent(eventKey, userId, itemId, type, value, ts, recommendationId);
        }
        var (eventId, item, kind, v) = Unseal(tenant, eventKey, sealedFields);
        return new InteractionEvent(eventId, userId, item, kind, v, ts, recommendationId);
    }

    private byte[] Seal(string tenant, string eventKey, string eventId, string itemId, string type, float value)
    {
        var key = _keys[CurrentKeyId!];
        var id = Encoding.ASCII.GetBytes(CurrentKeyId!);
        var plain = new byte[Encoding.UTF8.GetByteCount(eventId) + Encoding.UTF8.GetByteCount(itemId) + Encoding.UTF8.GetByteCount(type) + 6 + 4];
        var at = 0;
        foreach (var text in (ReadOnlySpan<string>)[eventId, itemId, type])
        {
            var n = Encoding.UTF8.GetBytes(text, plain.AsSpan(at + 2));
            BinaryPrimitives.WriteUInt16LittleEndian(plain.AsSpan(at), (ushort)n);
            at += 2 + n;
        }
        BinaryPrimitives.WriteSingleLittleEndian(plain.AsSpan(at), value);
        var blob = new byte[2 + id.Length + NonceBytes + plain.Length + TagBytes];
        blob[0] = Format;
        blob[1] = (byte)id.Length;
        id.CopyTo(blob, 2);
        var nonce = blob.AsSpan(2 + id.Length, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        Cipher(CurrentKeyId!, key).Encrypt(nonce, plain, blob.AsSpan(2 + id.Length + NonceBytes, plain.Length), blob.AsSpan(blob.Length - TagBytes), Associated(tenant, eventKey));
        return blob;
    }

    private (string EventId, string ItemId, string Type, float Value) Unseal(string tenant, string eventKey, byte[] blob)
    {
        if (blob.Length < 2 || blob[0] != Format || blob.Length < 2 + blob[1] + NonceBytes + TagBytes + 10)
        {
            throw new CryptographicException("sealed event fields have an unknown format");
        }
        var id = Encoding.ASCII.GetString(blob, 2, blob[1]);
        if (!_keys.TryGetValue(id, out var key))
        {
            throw new PrivacyKeyException($"Events are sealed with encryption key '{id}', which Privacy:EncryptionKeys does not hold.");
        }
        var start = 2 + id.Length;
        var cipher = blob.AsSpan(start + NonceBytes, blob.Length - start - NonceBytes - TagBytes);
        var plain = new byte[cipher.Length];
        Cipher(id, key).Decrypt(blob.AsSpan(start, NonceBytes), cipher, blob.AsSpan(blob.Length - TagBytes), plain, Associated(tenant, eventKey));
        var at = 0;
        var texts = new string[3];
        for (var i = 0; i < 3; i++)
        {
            int n = BinaryPrimitives.ReadUInt16LittleEndian(plain.AsSpan(at));
            texts[i] = Encoding.UTF8.GetString(plain, at + 2, n);
            at += 2 + n;
        }
        return (texts[0], texts[1], texts[2], BinaryPrimitives.ReadSingleLittleEndian(plain.AsSpan(at)));
    }

    private AesGcm Cipher(string id, byte[] key)
    {
        var ciphers = _ciphers.Value!;
        if (!ciphers.TryGetValue(id, out var aes))
        {
            ciphers[id] = aes = new AesGcm(key, TagBytes);
        }
        return aes;
    }

    private static byte[] Associated(string tenant, string eventKey) => Encoding.UTF8.GetBytes(tenant + "\n" + eventKey);

    private string Hash(string tenant, string prefix, string value, int bytes)
    {
        // One keyed HMAC per tenant per thread, reset after each use: HMACSHA256.HashData sets the key up anew on
        // every call, which cost about a tenth of an append when every event hashed its user.
        var macs = _macs.Value!;
        if (!macs.TryGetValue(tenant, out var hmac))
        {
            var key = HMACSHA256.HashData(_master, Encoding.UTF8.GetBytes("maas/tenant/" + tenant));
            macs[tenant] = hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        }
        Span<byte> input = stackalloc byte[prefix.Length + Encoding.UTF8.GetMaxByteCount(value.Length)];
        var n = Encoding.ASCII.GetBytes(prefix, input);
        n += Encoding.UTF8.GetBytes(value, input[n..]);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        hmac.AppendData(input[..n]);
        hmac.GetHashAndReset(mac);
        return prefix + Base64Url.EncodeToString(mac[..bytes]);
    }

    private static string Check(byte[] key) => Convert.ToBase64String(HMACSHA256.HashData(key, CheckLabel).AsSpan(0, 16));
}
