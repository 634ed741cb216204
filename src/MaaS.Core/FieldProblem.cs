using System.Text.Json.Serialization;

namespace MaaS.Core;

/// <summary>One broken rule of a rejected request (the <c>errors</c> list of its ProblemDetails).</summary>
public sealed record FieldProblem
{
    /// <summary>A problem of a batch element at <paramref name="index"/>, or of a request-level field when it is negative (-1).</summary>
    /// <param name="index">Position of the offending element in the batch; -1 for a request-level field.</param>
    /// <param name="field">The field's name or JSON path.</param>
    /// <param name="reason">What is wrong.</param>
    public FieldProblem(int index, string field, string reason)
        : this(index < 0 ? null : (int?)index, field, reason)
    {
    }

    /// <summary>A problem at batch position <paramref name="index"/>, or of a request-level field when it is null.</summary>
    /// <param name="index">Position of the offending element in the batch, or null.</param>
    /// <param name="field">The field's name or JSON path.</param>
    /// <param name="reason">What is wrong.</param>
    [JsonConstructor]
    public FieldProblem(int? index, string field, string reason)
    {
        Index = index;
        Field = field;
        Reason = reason;
    }

    /// <summary>Position of the offending element in the batch; null (left out of the JSON) for a request-level field.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Index { get; init; }

    /// <summary>The field's name or JSON path, e.g. <c>events[3].itemId</c>.</summary>
    public string Field { get; init; }

    /// <summary>What is wrong, without echoing the value (ids may be personal data).</summary>
    public string Reason { get; init; }
}
