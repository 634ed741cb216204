namespace MaaS.Storage.Abstractions;

/// <summary>Outcome of an append: how many events arrived and how many were new (the rest were duplicates).</summary>
/// <param name="SessionToken">
/// Names the commit for read-your-writes across replicas (as Cosmos DB's session token does): a reader that passes it
/// to <see cref="IUserChangeFeed.HasApplied"/> learns whether its feed has reported the commit yet. Null when the
/// store has no other writer to catch up with (SQLite) or nothing new was stored.
/// </param>
public sealed record AppendResult(int Received, int Inserted, string? SessionToken = null)
{
    /// <summary>Events whose id was already stored (or repeated inside the batch).</summary>
    public int Duplicates => Received - Inserted;
}

/// <summary>Outcome of a privacy erase.</summary>
/// <param name="EventsDeleted">Events of the user that were removed.</param>
/// <param name="UserDeleted">Whether a user row existed and was removed.</param>
public sealed record EraseResult(long EventsDeleted, bool UserDeleted);
