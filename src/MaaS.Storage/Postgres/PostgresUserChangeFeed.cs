using System.Text;
using MaaS.Storage.Privacy;

namespace MaaS.Storage.Postgres;

/// <summary>
/// The users whose events any replica changed, from the NOTIFYs the event store sends in the same transaction as
/// the change (<see cref="PostgresChangeListener.EventChannel"/>): delivered only once committed, so a read after the
/// report sees it. Keys are pseudonyms, the ids the rows hold. Dispose stops the listener.
/// </summary>
internal sealed class PostgresUserChangeFeed : IUserChangeFeed, IAsyncDisposable
{
    // NOTIFY refuses payloads of 8,000 bytes or more; a batch of many users is split below that.
    private const int MaxPayloadBytes = 7_000;

    private readonly PostgresDatabase _database;
    private readonly PrivacyCodec _privacy;
    private readonly PostgresChangeListener _listener;
    private readonly Lock _gate = new();
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

    /// <summary>
    /// The payloads reporting <paramref name="userKeys"/> (distinct pseudonyms) of <paramref name="tenant"/>, each
    /// under NOTIFY's limit; no keys reports the whole tenant.
    /// </summary>
    public string[] Payloads(string tenant, IReadOnlyCollection<string> userKeys)
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
        if (parts.Length == 1)
        {
            Publish(subscribers, parts[0], null);
            return;
        }
        for (var i = 1; i < parts.Length; i++)
        {
            Publish(subscribers, parts[0], parts[i]);
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
