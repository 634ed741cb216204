namespace MaaS.Storage.Abstractions;

/// <summary>Outcome of an append: how many events arrived and how many were new (the rest were duplicates).</summary>
public sealed record AppendResult(int Received, int Inserted)
{
    /// <summary>Events whose id was already stored (or repeated inside the batch).</summary>
    public int Duplicates => Received - Inserted;
}

/// <summary>Outcome of a privacy erase.</summary>
/// <param name="EventsDeleted">Events of the user that were removed.</param>
/// <param name="UserDeleted">Whether a user row existed and was removed.</param>
public sealed record EraseResult(long EventsDeleted, bool UserDeleted);
