namespace MaaS.Services.Paging;

/// <summary>
/// A request for one page of a list: at most <see cref="Limit"/> items that follow the item <see cref="After"/> names
/// in the list's order (null: from the first). Every <c>/v1</c> list takes these two, checked in one place; a list
/// checks that <see cref="After"/> names one of its items (<see cref="Page.UnknownCursor"/> when it does not).
/// </summary>
/// <param name="Limit">Items wanted, 1..<see cref="MaxLimit"/>.</param>
/// <param name="After">The id (a name, for lists of named things) of the last item of the previous page.</param>
internal sealed record PageRequest(int Limit, string? After)
{
    /// <summary>Items in a page when the request names no limit.</summary>
    public const int DefaultLimit = 20;

    /// <summary>The most items one page holds.</summary>
    public const int MaxLimit = 100;

    /// <summary>The first page of the default size.</summary>
    public static PageRequest First { get; } = new(DefaultLimit, null);

    /// <summary>The store's limit: one row past the page, so a full page tells whether more follow.</summary>
    public int Probe => Limit + 1;

    /// <summary>The request, or an <see cref="ErrorCode.InvalidRequest"/> naming the parameter that is out of bounds.</summary>
    public static Result<PageRequest> Create(int? limit, string? after)
    {
        var problems = new List<FieldProblem>();
        if (limit is < 1 or > MaxLimit)
        {
            problems.Add(new FieldProblem(-1, "limit", $"must be 1..{MaxLimit} (default {DefaultLimit})"));
        }

        if (after is { Length: 0 })
        {
            problems.Add(new FieldProblem(-1, "after", "must not be empty: leave it out for the first page"));
        }

        return problems.Count == 0 ? new PageRequest(limit ?? DefaultLimit, after) : Error.Invalid(problems);
    }
}
