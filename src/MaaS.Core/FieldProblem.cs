namespace MaaS.Core;

/// <summary>One broken rule of a rejected request (the <c>errors</c> list of its ProblemDetails).</summary>
/// <param name="Index">Position of the offending element in the batch, or -1 for a request-level field.</param>
/// <param name="Field">The field's name or JSON path, e.g. <c>events[3].itemId</c>.</param>
/// <param name="Reason">What is wrong, without echoing the value (ids may be personal data).</param>
public sealed record FieldProblem(int Index, string Field, string Reason);
