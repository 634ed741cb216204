namespace MaaS.Storage.Abstractions;

/// <summary>A user (or session) the store has seen events for.</summary>
/// <param name="UserId">The id events carried.</param>
/// <param name="FirstSeen">Earliest event timestamp stored for this user (UTC).</param>
/// <param name="LastSeen">Latest event timestamp stored for this user (UTC).</param>
public sealed record UserRecord(string UserId, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);
