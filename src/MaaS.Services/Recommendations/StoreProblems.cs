namespace MaaS.Services.Recommendations;

/// <summary>A store's refusal of one request field, told with the API's field name.</summary>
internal static class StoreProblems
{
    /// <summary>The store's problems, request-level ones (index -1) renamed to <paramref name="field"/>; the error's message
    /// when it lists none.</summary>
    public static List<FieldProblem> For(Error error, string field) =>
        error.Problems.Count == 0
            ? [new FieldProblem(-1, field, error.Message)]
            : [.. error.Problems.Select(f => new FieldProblem(f.Index, f.Index < 0 ? field : f.Field, f.Reason))];
}
