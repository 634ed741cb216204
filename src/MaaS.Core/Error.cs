namespace MaaS.Core;

/// <summary>Why an operation failed: its <see cref="ErrorCode"/>, a message safe to show clients, and every broken rule.</summary>
/// <param name="Code">The category callers switch on and hosts map to a status.</param>
/// <param name="Message">Human-readable summary; never contains user ids, texts or credentials.</param>
/// <param name="Problems">Every broken rule for <see cref="ErrorCode.InvalidRequest"/>; empty otherwise.</param>
public sealed record Error(ErrorCode Code, string Message, IReadOnlyList<FieldProblem> Problems)
{
    /// <summary>An error without field problems.</summary>
    public Error(ErrorCode code, string message)
        : this(code, message, [])
    {
    }

    /// <summary>An <see cref="ErrorCode.InvalidRequest"/> listing every broken rule; the message names the first.</summary>
    public static Error Invalid(IReadOnlyList<FieldProblem> problems)
    {
        ArgumentOutOfRangeException.ThrowIfZero(problems.Count);
        return new(ErrorCode.InvalidRequest, $"{problems.Count} problem(s); first: {problems[0].Field}: {problems[0].Reason}", problems);
    }

    /// <summary>An <see cref="ErrorCode.InvalidRequest"/> for one request-level field.</summary>
    public static Error Invalid(string field, string reason) => Invalid([new FieldProblem(-1, field, reason)]);

    /// <summary>
    /// An <see cref="ErrorCode.InvalidRequest"/> of one request-level field whose <paramref name="message"/> says it
    /// whole: the message as it is (not "1 problem(s); first: …"), and the field as its one problem, so that a client
    /// can tell which member to change (OpenAI's <c>param</c>).
    /// </summary>
    public static Error InvalidField(string field, string message) => new(ErrorCode.InvalidRequest, message, [new FieldProblem(-1, field, message)]);

    /// <summary>An <see cref="ErrorCode.NotFound"/> naming what is missing.</summary>
    public static Error NotFound(string what) => new(ErrorCode.NotFound, $"{what} not found");

    /// <summary>A <see cref="ErrorCode.DependencyUnavailable"/> (database down, disk full).</summary>
    public static Error Unavailable(string message) => new(ErrorCode.DependencyUnavailable, message);

    /// <inheritdoc />
    public override string ToString() => $"{Code}: {Message}";
}
