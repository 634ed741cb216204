namespace MaaS.Storage.Abstractions;

/// <summary>
/// Where the event log stands, for a follower that folds events into counts (trending): every event with a sequence
/// up to <see cref="Sequence"/> has committed (or never will), so a reader that has read through it has missed none.
/// </summary>
/// <param name="Sequence">The settled head of the log (every tenant's), 0 when empty.</param>
/// <param name="Erasures">Per tenant, how many erasures removed events so far (tenants without one are absent): a
/// follower whose counts were taken at another number counts again, since erased events cannot be read back.</param>
public sealed record EventFeedHead(long Sequence, IReadOnlyDictionary<string, long> Erasures)
{
    /// <summary>The tenant's erasure number (0 when none).</summary>
    public long ErasuresOf(string tenant) => Erasures.GetValueOrDefault(tenant);
}

/// <summary>One page of a tenant's events in sequence order.</summary>
/// <param name="Events">The events (user as the pseudonym, fields opened); a new list the caller owns.</param>
/// <param name="Last">The sequence of the last event read, or the page's <c>after</c> when none was.</param>
public sealed record EventFeedPage(IReadOnlyList<InteractionEvent> Events, long Last);
