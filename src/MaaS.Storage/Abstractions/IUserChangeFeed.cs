namespace MaaS.Storage.Abstractions;

/// <summary>
/// Tells a process which users' events another process sharing the store has changed, so a cache of histories can
/// stay correct across replicas. SQLite has one writing process, whose own writes its callers invalidate themselves,
/// so its feed is always live and never reports; PostgreSQL's reports every commit of every replica (LISTEN/NOTIFY,
/// delivered after the commit, so a history read after the report sees the change). Thread-safe.
/// </summary>
public interface IUserChangeFeed
{
    /// <summary>
    /// True while other processes' changes are reported (PostgreSQL: the listening connection is up). While false, a
    /// cache must neither serve nor keep entries: changes made meanwhile are not reported, ever.
    /// </summary>
    bool IsLive { get; }

    /// <summary>
    /// The key reports use for <paramref name="userId"/> of <paramref name="tenant"/> (PostgreSQL: the user's
    /// pseudonym, so no raw id travels; SQLite: the id itself). Key a cache by it.
    /// </summary>
    string KeyOf(string tenant, string userId);

    /// <summary>
    /// Registers <paramref name="changed"/> and starts reporting: (tenant, key) when one user's events changed,
    /// (tenant, null) when any user of the tenant may have (retention), (null, null) when anything may have (the
    /// feed reconnected: reports were lost). Called on the feed's own thread: keep it short, never block.
    /// </summary>
    void Subscribe(Action<string?, string?> changed);

    /// <summary>
    /// True when the commit that <paramref name="sessionToken"/> names (<see cref="AppendResult.SessionToken"/>, issued
    /// by any replica) has been reported to this process's subscribers, so an entry a subscriber reads after this
    /// answered true is not older than that commit (ask first, then read the entry); false when it has not been yet,
    /// or is too old to be remembered (the caller reads the store: a token is a lower bound on freshness, never a
    /// reason to wait). SQLite's feed has no other writer: always true.
    /// </summary>
    bool HasApplied(string sessionToken);
}
