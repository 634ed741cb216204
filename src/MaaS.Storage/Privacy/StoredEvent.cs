namespace MaaS.Storage.Privacy;

/// <summary>
/// An event as its row holds it: the user as a pseudonym and, when sealed, the event id as a keyed hash (what the
/// per-tenant uniqueness of event ids compares), the item and type empty and the value 0, their true values inside
/// <see cref="Sealed"/>. The timestamp stays clear: history order, <c>since</c> and retention filter on it; so does the
/// attributed recommendation's id, which names an answer of the gateway rather than what the user did.
/// </summary>
internal sealed record StoredEvent(
    string EventKey, string User, string ItemId, string Type, float Value, DateTimeOffset Timestamp, byte[]? Sealed, string? RecommendationId = null);
