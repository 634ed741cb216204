namespace MaaS.Services.Paging;

/// <summary>One page of a list and where the next one starts.</summary>
/// <typeparam name="T">An item of the list.</typeparam>
/// <param name="Items">At most the request's limit of items, in the list's order.</param>
/// <param name="NextAfter">The id to ask the next page after; null when no item follows.</param>
internal sealed record Page<T>(IReadOnlyList<T> Items, string? NextAfter)
{
    /// <summary>The same page with each item mapped (the cursor stays).</summary>
    public Page<TOut> Select<TOut>(Func<T, TOut> map) => new([.. Items.Select(map)], NextAfter);
}

/// <summary>Pages cut from what a store answered for a <see cref="PageRequest"/>.</summary>
internal static class Page
{
    /// <summary>
    /// The page of <paramref name="rows"/>, read with the request's <see cref="PageRequest.Probe"/>: a row beyond the
    /// limit means more follow, and the last row kept is where the next page starts.
    /// </summary>
    public static Page<T> Of<T>(IReadOnlyList<T> rows, PageRequest request, Func<T, string> idOf)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(idOf);
        if (rows.Count <= request.Limit)
        {
            return new Page<T>(rows, null);
        }

        var items = rows.Take(request.Limit).ToList();
        return new Page<T>(items, idOf(items[^1]));
    }

    /// <summary>The refusal of an <c>after</c> that names no item of the list: a 400, never an empty page.</summary>
    /// <param name="what">What the list holds, e.g. "key of this tenant".</param>
    public static Error UnknownCursor(string what) =>
        Error.Invalid("after", $"is not the id of a {what}: pass the last id of the previous page");
}
