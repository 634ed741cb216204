namespace MaaS.Agents.Rules;

/// <summary>
/// Compiled rules, applied before any policy: forbid removes actions, allow exempts an action from forbid, force keeps
/// only the forced actions when one of them is eligible. Immutable and thread-safe.
/// </summary>
public sealed class RuleSet
{
    private readonly (string Name, Condition Condition, RuleEffect Effect)[] _rules;

    private RuleSet((string, Condition, RuleEffect)[] rules) => _rules = rules;

    /// <summary>No rules: every action stays eligible.</summary>
    public static RuleSet Empty { get; } = new([]);

    /// <summary>The number of rules.</summary>
    public int Count => _rules.Length;

    /// <summary>Compiles the rules against the schema; every problem is reported as (field, message), not only the first.</summary>
    public static RuleSet? Compile(IReadOnlyList<RuleDefinition> definitions, FeatureSchema schema, out IReadOnlyList<(string Field, string Message)> problems)
    {
        var found = new List<(string, string)>();
        var rules = new (string, Condition, RuleEffect)[definitions.Count];
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < definitions.Count; i++)
        {
            RuleDefinition definition = definitions[i];
            string field = $"rules[{i}]";
            if (string.IsNullOrWhiteSpace(definition.Name))
            {
                found.Add(($"{field}.name", "A rule needs a name."));
            }
            else if (!names.Add(definition.Name))
            {
                found.Add(($"{field}.name", $"Rule name '{definition.Name}' is used twice."));
            }
            if (!Enum.IsDefined(definition.Effect))
            {
                found.Add(($"{field}.effect", "The effect must be allow, forbid or force."));
            }
            if (string.IsNullOrWhiteSpace(definition.When))
            {
                found.Add(($"{field}.when", "A rule needs a condition."));
                continue;
            }
            (Condition? condition, string? error) = ConditionParser.Parse(definition.When, schema);
            if (condition is null)
            {
                found.Add(($"{field}.when", error!));
                continue;
            }
            rules[i] = (definition.Name, condition, definition.Effect);
        }
        problems = found;
        return found.Count == 0 ? new RuleSet(rules) : null;
    }

    /// <summary>Evaluates every rule on every action not already <paramref name="excluded"/>.</summary>
    public RuleOutcome Apply(DecisionInput input, ReadOnlySpan<bool> excluded = default)
    {
        int n = input.Actions.Count;
        var eligible = new bool[n];
        var allowed = new bool[n];
        var forced = new bool[n];
        var fired = new List<RuleFiring>();
        for (int a = 0; a < n; a++)
        {
            eligible[a] = excluded.IsEmpty || !excluded[a];
        }
        foreach ((string name, Condition condition, RuleEffect effect) in _rules)
        {
            for (int a = 0; a < n; a++)
            {
                if ((!excluded.IsEmpty && excluded[a]) || !condition.Evaluate(input.Context, input.Actions[a]))
                {
                    continue;
                }
                fired.Add(new RuleFiring(name, input.Actions[a].Id, effect));
                switch (effect)
                {
                    case RuleEffect.Forbid:
                        eligible[a] = false;
                        break;
                    case RuleEffect.Allow:
                        allowed[a] = true;
                        break;
                    default:
                        forced[a] = true;
                        break;
                }
            }
        }
        bool anyForced = false;
        for (int a = 0; a < n; a++)
        {
            eligible[a] = (eligible[a] || allowed[a]) && (excluded.IsEmpty || !excluded[a]);
            anyForced |= eligible[a] && forced[a];
        }
        if (anyForced)
        {
            for (int a = 0; a < n; a++)
            {
                eligible[a] &= forced[a];
            }
        }
        return new RuleOutcome(eligible, fired);
    }
}
