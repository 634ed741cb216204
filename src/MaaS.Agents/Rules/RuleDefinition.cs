namespace MaaS.Agents.Rules;

/// <summary>What a rule does to the actions its condition holds for.</summary>
public enum RuleEffect
{
    /// <summary>Keeps the action eligible even when a forbid rule also fires for it (an exception to a forbid).</summary>
    Allow,

    /// <summary>Removes the action, unless an allow rule also fires for it.</summary>
    Forbid,

    /// <summary>When any eligible action is forced, only the forced ones stay eligible; the policy chooses among them.</summary>
    Force,
}

/// <summary>
/// A declarative rule: a name, a condition over <c>context.NAME</c>, <c>action.NAME</c> and <c>action.id</c>
/// (comparisons <c>&lt; &lt;= &gt; &gt;= == !=</c>, <c>and</c>, <c>or</c>, <c>not</c>, parentheses), and an effect.
/// Example: <c>context.skill &lt; 0.3 and action.difficulty &gt;= 0.7</c>.
/// </summary>
public sealed record RuleDefinition(string Name, string When, RuleEffect Effect);

/// <summary>One rule that held for one action.</summary>
public sealed record RuleFiring(string Rule, string Action, RuleEffect Effect);

/// <summary>The result of the rules over one decision.</summary>
/// <param name="Eligible">Per action: whether the policy may choose it.</param>
/// <param name="Fired">Every (rule, action) pair whose condition held, in rule then action order.</param>
public sealed record RuleOutcome(bool[] Eligible, IReadOnlyList<RuleFiring> Fired)
{
    /// <summary>Whether any action is left to choose.</summary>
    public bool AnyEligible => Array.IndexOf(Eligible, true) >= 0;
}
