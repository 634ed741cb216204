using MaaS.Gateway.Contracts.V1;
using MaaS.Gateway.Errors;

namespace MaaS.Gateway.Recommendations;

/// <summary>A value, or the expected failure (an <see cref="ApiError"/> with every broken rule) that replaces it.</summary>
internal readonly record struct Outcome<T>(T? Value, ApiError Error, string? Detail, IReadOnlyList<FieldProblem>? Problems)
    where T : class
{
    public bool IsSuccess => Value is not null;

    public static Outcome<T> Ok(T value) => new(value, default, null, null);

    public static Outcome<T> Fail(ApiError error, string detail, IReadOnlyList<FieldProblem>? problems = null) => new(null, error, detail, problems);

    public static Outcome<T> Invalid(IReadOnlyList<FieldProblem> problems) =>
        Fail(ApiError.InvalidRequest, $"{problems.Count} problem(s); first: {problems[0].Field}: {problems[0].Reason}", problems);

    /// <summary>200 with the value written by source-generated JSON (nulls left out), or the ProblemDetails of the failure.</summary>
    public IResult ToResult(System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> json) =>
        IsSuccess ? TypedResults.Json(Value, json) : ToProblem();

    /// <summary>The ProblemDetails result of a failure (with an <c>errors</c> list when there are field problems).</summary>
    public IResult ToProblem() => ApiErrors.Problem(Error, Detail, Problems);
}
