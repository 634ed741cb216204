namespace MaaS.Services.Recommendations.Contracts;

/// <summary>
/// Everything stored about one user (<c>GET /v1/users/{id}/export</c>). A user is only its events: one never seen, or
/// erased, gets the empty export (no events, no first and last seen, the profile of no events), as its analysis is empty.
/// </summary>
/// <param name="UserId">The id asked for (the store keeps only its keyed hash).</param>
/// <param name="FirstSeen">Oldest stored event; absent when none is stored.</param>
/// <param name="LastSeen">Newest stored event; absent when none is stored.</param>
/// <param name="Events">Every stored event of the user, newest first, as sent (timestamps in UTC, millisecond precision).</param>
/// <param name="Profile">What is derived from them: the analysis of <c>/v1/users/{id}/analysis</c> over every event.</param>
public sealed record UserExportResponse(
    string UserId, DateTimeOffset? FirstSeen, DateTimeOffset? LastSeen, IReadOnlyList<ExportedEvent> Events, UserAnalysisResponse Profile);

/// <summary>One stored event.</summary>
/// <param name="EventId">The id the app gave it.</param>
/// <param name="ItemId">The item.</param>
/// <param name="Type">What happened.</param>
/// <param name="Value">Its strength.</param>
/// <param name="Timestamp">When (UTC, millisecond precision).</param>
/// <param name="RecommendationId">The recommendation answer the event was attributed to; absent when none.</param>
public sealed record ExportedEvent(string EventId, string ItemId, string Type, float Value, DateTimeOffset Timestamp, string? RecommendationId = null);
