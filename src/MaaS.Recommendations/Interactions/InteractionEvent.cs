namespace MaaS.Recommendations.Interactions;

/// <summary>One user-item interaction as the app reported it.</summary>
/// <param name="UserId">External user id (opaque; never logged).</param>
/// <param name="ItemId">External item id.</param>
/// <param name="Value">Strength: a rating, a play count, or 1 for a bare event.</param>
/// <param name="Timestamp">Unix time in seconds.</param>
public readonly record struct InteractionEvent(string UserId, string ItemId, float Value, long Timestamp);
