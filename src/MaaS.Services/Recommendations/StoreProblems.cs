namespace MaaS.Services.Recommendations;

/// <summary>A store's failure told as the API's error: the one mapping the recommendation services share.</summary>
internal static class StoreProblems
{
    /// <summary>
    /// The API's error for a store's failure: a refused request (<see cref="ErrorCode.InvalidRequest"/>) lists the
    /// store's problems under the API's <paramref name="field"/> (<see cref="For"/>); any other failure is
    /// <see cref="ErrorCode.DependencyUnavailable"/> with <paramref name="unavailable"/>, which says what did not happen.
    /// </summary>
    public static Error ToApiError(Error error, string field, string unavailable) =>
        error.Code == ErrorCode.InvalidRequest
            ? Error.Invalid(For(error, field))
            : new Error(ErrorCode.DependencyUnavailable, unavailable);

    /// <summary>The store's problems, request-level ones (no index) renamed to <paramref name="field"/>; the error's message
    /// when it lists none.</summary>
    private static List<FieldProblem> For(Error error, string field) =>
        error.Problems.Count == 0
            ? [new FieldProblem(-1, field, error.Message)]
            : [.. error.Problems.Select(f => new FieldProblem(f.Index, f.Index is null ? field : f.Field, f.Reason))];
}
