namespace MaaS.Services.Recommendations.Contracts;

/// <summary>A catalogue batch upsert (<c>PUT /v1/items</c>).</summary>
/// <param name="Items">1..10,000 items; an existing id is replaced (all fields).</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ItemBatchRequest(IReadOnlyList<ItemInput>? Items);

/// <summary>One catalogue item.</summary>
/// <param name="Id">Item id, up to 128 characters.</param>
/// <param name="Kind">movie, song or game.</param>
/// <param name="Title">Display title.</param>
/// <param name="Genres">Genre names.</param>
/// <param name="Tags">Free-form tags.</param>
/// <param name="Text">Optional description.</param>
/// <param name="AvailableFrom">First day it may be recommended (inclusive, yyyy-MM-dd); null for always.</param>
/// <param name="AvailableUntil">Last day it may be recommended (inclusive); null for no end.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ItemInput(
    string? Id,
    string? Kind,
    string? Title,
    IReadOnlyList<string>? Genres,
    IReadOnlyList<string>? Tags,
    string? Text,
    DateOnly? AvailableFrom,
    DateOnly? AvailableUntil);

/// <summary>Outcome of a catalogue upsert.</summary>
/// <param name="Upserted">Items written (a repeated id counts once).</param>
public sealed record ItemBatchResponse(int Upserted);

/// <summary>A catalogue item as the API returns it.</summary>
/// <param name="Id">Item id.</param>
/// <param name="Kind">movie, song or game.</param>
/// <param name="Title">Display title.</param>
/// <param name="Genres">Genre names.</param>
/// <param name="Tags">Tags.</param>
/// <param name="Text">Description, if any.</param>
/// <param name="AvailableFrom">First available day, if limited.</param>
/// <param name="AvailableUntil">Last available day, if limited.</param>
public sealed record ItemResponse(
    string Id,
    string Kind,
    string Title,
    IReadOnlyList<string> Genres,
    IReadOnlyList<string> Tags,
    string? Text,
    DateOnly? AvailableFrom,
    DateOnly? AvailableUntil);
