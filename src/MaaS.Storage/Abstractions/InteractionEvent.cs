namespace MaaS.Storage.Abstractions;

/// <summary>
/// One interaction an app reported: a user (or an anonymous session) did something to an item.
/// </summary>
/// <param name="EventId">
/// Client-chosen id, unique per tenant; appending the same id twice stores the event once (idempotent retries).
/// At most <see cref="StorageLimits.MaxIdLength"/> characters.
/// </param>
/// <param name="UserId">A known user id or, for anonymous traffic, a session id; the store does not distinguish them.</param>
/// <param name="ItemId">The catalogue item the interaction is about.</param>
/// <param name="Type">What happened, e.g. <c>view</c>, <c>play</c>, <c>like</c>, <c>rate</c>, <c>skip</c>.</param>
/// <param name="Value">Strength of the interaction (a rating, a play fraction, 1 for a like); must be finite.</param>
/// <param name="Timestamp">When it happened. Stored in UTC with millisecond precision.</param>
/// <param name="RecommendationId">
/// The recommendation answer that showed the item (its <c>recommendationId</c>), when the app attributes the event to
/// one; null otherwise. At most <see cref="StorageLimits.MaxIdLength"/> characters. Stored in clear (it names an answer,
/// not what the user did).
/// </param>
public sealed record InteractionEvent(
    string EventId,
    string UserId,
    string ItemId,
    string Type,
    float Value,
    DateTimeOffset Timestamp,
    string? RecommendationId = null);
