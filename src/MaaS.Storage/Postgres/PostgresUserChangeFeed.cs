namespace MaaS.Storage.Postgres;

/// <summary>
/// The users whose events any replica changed, from the NOTIFYs the event store sends in the same transaction as
/// the change (<see cref="PostgresChangeListener.EventChannel"/>): delivered only once committed, so a read after the
/// report sees it. Keys are pseudonyms, the ids the rows hold. An append's last payload also carries its session
/// token after the tenant (<c>tenant token</c>: a tenant holds no space), remembered once its users are reported, so
/// a request that carries the token knows whether this replica's cache can already answer it. Dispose stops the
/// listener.
/// </summary>
internal sealed class PostgresUserChangeFeed : IUserChangeFeed, IAsyncDisposable
{
    // NOTIFY refuses payloads of 8,000 bytes or more; a batch of many users is split below that.
    private const int MaxPayloadBytes = 7_000;

    // Tokens arrive at the commit rate and a client sends one back within milliseconds; a minute at 1,000 commits/s.
    private const int RememberedTokens = 65_536;

    private readonly PostgresDatabase _database;
    private readonly PrivacyCodec _privacy;
    private readonly PostgresChangeListener _listener;
    private readonly Lock _gate = new();
    private readonly AppliedSessionTokens _applied = new(RememberedTokens);
    private Action<string?, string?>[] _subscribers = [];

    public PostgresUserChangeFeed(PostgresDatabase database, PrivacyCodec privacy, ILogger logger)
    {
        _database = database;
        _privacy = privacy;
        _listener = new PostgresChangeListener(database, PostgresChangeListener.EventChannel, OnNotification, logger);
    }

    public bool IsLive => _listener.IsListening;

    public string KeyOf(string tenant, string userId) => _privacy.User(tenant, userId);

    public void Subscribe(Action<string?, string?> changed)
    {
        lock (_gate)
        {
            _subscribers = [.. _subscribers, changed];
        }
        _listener.EnsureStarted();
    }

    public bool HasApplied(string sessionToken) => _applied.Contains(sessionToken);

    /// <summary>
    /// Remembers a token of this process's own commit, once the commit is done: its writer invalidates its own cache
    /// before answering, so the client holding the token need not wait for the NOTIFY to come round.
    /// </summary>
    public void Applied(string sessionToken) => _applied.Add(sessionToken);

    /// <summary>
    /// The payloads reporting <paramref name="userKeys"/> (distinct pseudonyms) of <paramref name="tenant"/>, each
    /// under NOTIFY's limit; no keys reports the whole tenant. The last one carries <paramref name="sessionToken"/>:
    /// a transaction's notifications arrive in the order sent, so its token is applied after all of its users.
    /// </summary>
    public string[] Payloads(string tenant, IReadOnlyCollection<string> userKeys, string? sessionToken = null)
    {
        var head = _database.Schema + "\n" + tenant;
        if (userKeys.Count == 0)
        {
            return [head];
        }

        var payloads = new List<string>();
        var current = new StringBuilder(head);
        int headBytes = Encoding.UTF8.GetByteCount(head), bytes = headBytes;
        foreach (var key in userKeys)
        {
            int keyBytes = Encoding.UTF8.GetByteCount(key) + 1;
            if (bytes > headBytes && bytes + keyBytes > MaxPayloadBytes)
            {
                payloads.Add(current.ToString());
                current.Clear().Append(head);
                bytes = headBytes;
            }
            current.Append('\n').Append(key);
            bytes += keyBytes;
        }
        if (sessionToken is not null)
        {
            // Inserted after the tenant, where it cannot be taken for a key; a token is 17 bytes, within the margin.
            current.Insert(head.Length, " " + sessionToken);
        }
        payloads.Add(current.ToString());
        return [.. payloads];
    }

    private void OnNotification(string? payload)
    {
        var subscribers = Volatile.Read(ref _subscribers);
        if (payload is null)
        {
            Publish(subscribers, null, null);
            return;
        }

        var parts = payload.Split('\n');
        var tenant = parts[0];
        string? token = null;
        if (tenant.IndexOf(' ', StringComparison.Ordinal) is var space and > 0)
        {
            token = tenant[(space + 1)..];
            tenant = tenant[..space];
        }
        if (parts.Length == 1)
        {
            Publish(subscribers, tenant, null);
        }
        for (var i = 1; i < parts.Length; i++)
        {
            Publish(subscribers, tenant, parts[i]);
        }
        if (token is not null)
        {
            _applied.Add(token);
        }
    }

    private static void Publish(Action<string?, string?>[] subscribers, string? tenant, string? key)
    {
        foreach (var subscriber in subscribers)
        {
            subscriber(tenant, key);
        }
    }

    public ValueTask DisposeAsync() => _listener.DisposeAsync();
}
