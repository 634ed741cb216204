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

    /// <summary>
    /// The one wording of a member a request's contract does not have (every /v1 body refuses unknown members, so a
    /// misspelt optional member is not silently ignored): it names the member, and the contract's member within two
    /// edits of it (a letter inserted, deleted, changed or two swapped; case ignored), the closest, as the one meant.
    /// </summary>
    /// <param name="index">Position of the batch element it is in, or null.</param>
    /// <param name="path">The member's JSON path, e.g. <c>events[3].time</c>.</param>
    /// <param name="name">The member's name as sent.</param>
    /// <param name="members">The names of the object's members in the contract.</param>
    public static FieldProblem UnknownMember(int? index, string path, string name, IEnumerable<string> members)
    {
        (string? Member, int Distance) near = (null, 3);
        foreach (string member in members)
        {
            int distance = Distance(name, member);
            if (distance < near.Distance && distance < Math.Max(name.Length, member.Length))
            {
                near = (member, distance);
            }
        }

        return new FieldProblem(index, path, near.Member is null ? $"unknown member '{name}'" : $"unknown member '{name}' (did you mean '{near.Member}'?)");
    }

    /// <summary>Optimal string alignment distance, case-insensitive (member names are short: a full table is fine).</summary>
    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (int j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = Same(a[i - 1], b[j - 1]) ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && Same(a[i - 1], b[j - 2]) && Same(a[i - 2], b[j - 1]))
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];

        static bool Same(char x, char y) => char.ToUpperInvariant(x) == char.ToUpperInvariant(y);
    }
}
