namespace MaaS.Services.Recommendations.Contracts;

/// <summary>A batch of interactions (<c>POST /v1/events</c>).</summary>
/// <param name="Events">1..10,000 events; validated as a whole: one bad event rejects the batch.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EventBatchRequest(IReadOnlyList<EventInput>? Events);

/// <summary>One interaction an app reports.</summary>
/// <param name="EventId">Client-chosen id, unique per tenant; a repeated id is stored once (idempotent retries). Up to 128 characters.</param>
/// <param name="UserId">Known user id; give this or <paramref name="SessionId"/>, not both.</param>
/// <param name="SessionId">Anonymous session id, for traffic without a user.</param>
/// <param name="ItemId">The catalogue item.</param>
/// <param name="Type">What happened: view, play, like, rate, skip, or another lower-case word (up to 32 characters).</param>
/// <param name="Value">Strength: a rating for <c>rate</c>, a play fraction, 1 for a like; finite. Default 1.</param>
/// <param name="Timestamp">When it happened (ISO 8601 with offset); default the time the gateway received it.</param>
/// <param name="RecommendationId">The <c>recommendationId</c> of the <c>/v1/recommend</c> answer that showed the item,
/// when the event is feedback on it (attribution); up to 128 characters.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record EventInput(
    string? EventId,
    string? UserId,
    string? SessionId,
    string? ItemId,
    string? Type,
    float? Value,
    DateTimeOffset? Timestamp,
    string? RecommendationId = null);

/// <summary>The acknowledgement of a stored batch; sent only once the events are durable.</summary>
/// <param name="Received">Events in the batch.</param>
/// <param name="Accepted">Events newly stored.</param>
/// <param name="Duplicates">Events whose id was already stored (or repeated in the batch); not stored again.</param>
/// <param name="SessionToken">
/// The commit's session token (also the <c>MaaS-Session-Token</c> header): send it back in that header with the next
/// <c>POST /v1/recommend</c> and any replica ranks on a history that holds these events. Absent where one process
/// holds the store (SQLite: every request already sees every commit) and when nothing new was stored.
/// </param>
public sealed record EventBatchResponse(int Received, int Accepted, int Duplicates, string? SessionToken = null);
