namespace MaaS.Services.Search.Suggest;

/// <summary>Titles that complete what was typed, best first.</summary>
/// <param name="Query">The query as sent.</param>
/// <param name="Suggestions">At most <c>count</c> titles: fewer typos first, then a whole-word match of the last word
/// over a prefix one, then titles the query begins, then the more popular, then the shorter.</param>
public sealed record SuggestResponse(string Query, IReadOnlyList<SuggestionResponse> Suggestions);

/// <summary>One suggested title.</summary>
/// <param name="ItemId">Item id.</param>
/// <param name="Title">The catalogue title, as written.</param>
/// <param name="Kind">movie, song or game.</param>
/// <param name="Score">1 / (1 + typos + 0.5 when the last word only begins a title word + 0.25 when the title does not
/// begin with the query): 1 for a title that begins with the query's whole words; equal scores are ordered by
/// popularity, then length.</param>
/// <param name="Highlight">The matched spans of the title, each [start, length] in UTF-16 characters, in title order.</param>
public sealed record SuggestionResponse(string ItemId, string Title, string Kind, float Score, IReadOnlyList<int[]> Highlight);
