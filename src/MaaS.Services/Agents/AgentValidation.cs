using System.Text.RegularExpressions;
using MaaS.Services.Agents.Onnx;

namespace MaaS.Services.Agents;

/// <summary>Checks agent requests once, listing every broken rule, and turns them into the library's types.</summary>
internal static partial class AgentValidation
{
    public const double DefaultWindowSeconds = 60;

    public static Error? Name(string? name) =>
        name is not null && AgentName().IsMatch(name) ? null : Error.Invalid("name", "must be 1-64 of a-z 0-9 - _, starting with a letter or digit");

    /// <summary>The compiled agent, or every problem of the definition.</summary>
    public static Result<CompiledAgent> Definition(AgentDefinitionRequest? request)
    {
        if (request is null)
        {
            return Error.Invalid("body", "a JSON agent definition is required");
        }
        var problems = new List<FieldProblem>();
        void Add(string field, string reason) => problems.Add(new FieldProblem(-1, field, reason));

        string[] context = Names(request.ContextFeatures, "contextFeatures", Add);
        string[] actionFeatures = Names(request.ActionFeatures, "actionFeatures", Add);
        var schema = new FeatureSchema(context, actionFeatures);

        var actions = new Dictionary<string, double[]>(StringComparer.Ordinal);
        var actionSpecs = request.Actions ?? [];
        if (actionSpecs.Count > AgentLimits.MaxActions)
        {
            Add("actions", $"at most {AgentLimits.MaxActions} actions");
        }
        for (int i = 0; i < actionSpecs.Count && i < AgentLimits.MaxActions; i++)
        {
            AgentActionSpec? spec = actionSpecs[i];
            if (spec is null || !ValidId(spec.Id))
            {
                Add($"actions[{i}].id", $"must be 1-{AgentLimits.MaxIdLength} characters");
                continue;
            }
            if (actions.ContainsKey(spec.Id!))
            {
                Add($"actions[{i}].id", "is used twice");
                continue;
            }
            actions[spec.Id!] = Features(spec.Features, schema.Action, $"actions[{i}].features", null, Add);
        }

        AgentPolicySpec policySpec = request.Policy ?? new AgentPolicySpec(null, null, null, null, null, null);
        PolicySettings? policy = Policy(policySpec, "policy", Add);
        AgentModelRef? policyModel = OnnxPolicyValidation.Model(policy, policySpec, Add);
        if (policy is { Model: LinearModelKind.Shared, Kind: not PolicyKind.Onnx } && schema.InteractionLength > AgentLimits.MaxSharedDimension)
        {
            Add("policy.model", $"a shared model over {context.Length} context and {actionFeatures.Length} action features has {schema.InteractionLength} weights, more than {AgentLimits.MaxSharedDimension}: use fewer features or model \"disjoint\"");
        }

        var ruleSpecs = request.Rules ?? [];
        var rules = new List<RuleDefinition>();
        if (ruleSpecs.Count > AgentLimits.MaxRules)
        {
            Add("rules", $"at most {AgentLimits.MaxRules} rules");
        }
        for (int i = 0; i < ruleSpecs.Count && i < AgentLimits.MaxRules; i++)
        {
            AgentRuleSpec? spec = ruleSpecs[i];
            RuleEffect? effect = spec?.Effect?.ToLowerInvariant() switch
            {
                "allow" => RuleEffect.Allow,
                "forbid" => RuleEffect.Forbid,
                "force" => RuleEffect.Force,
                _ => null,
            };
            if (effect is null)
            {
                Add($"rules[{i}].effect", "must be allow, forbid or force");
            }
            if (spec?.When is { Length: > AgentLimits.MaxRuleLength })
            {
                Add($"rules[{i}].when", $"at most {AgentLimits.MaxRuleLength} characters");
            }
            rules.Add(new RuleDefinition(spec?.Name ?? "", spec?.When is { Length: <= AgentLimits.MaxRuleLength } w ? w : "", effect ?? RuleEffect.Forbid));
        }
        RuleSet? ruleSet = null;
        if (problems.Count == 0)
        {
            ruleSet = RuleSet.Compile(rules, schema, out var ruleProblems);
            problems.AddRange(ruleProblems.Select(p => new FieldProblem(-1, p.Field, p.Message)));
        }

        double window = request.RewardWindowSeconds ?? DefaultWindowSeconds;
        if (!(window > 0 && window <= AgentLimits.MaxRewardWindowSeconds))
        {
            Add("rewardWindowSeconds", $"must be in (0, {AgentLimits.MaxRewardWindowSeconds}]");
        }
        double defaultReward = request.DefaultReward ?? 0;
        if (!double.IsFinite(defaultReward))
        {
            Add("defaultReward", "must be a finite number");
        }
        ApprenticeSettings? apprentice = Apprentice(request.Apprentice, actions, Add);
        if (problems.Count > 0)
        {
            return Error.Invalid(problems);
        }
        var normalized = new AgentDefinitionRequest(
            context, actionFeatures,
            [.. actions.Select(a => new AgentActionSpec(a.Key, Named(a.Value, actionFeatures)))],
            Spec(policy!) with { RegistryModel = policyModel }, [.. ruleSpecs.Select(r => new AgentRuleSpec(r!.Name, r.When, r.Effect!.ToLowerInvariant()))],
            window, defaultReward,
            apprentice is null ? null : new AgentApprenticeSpec(request.Apprentice!.Baseline, apprentice.Margin, apprentice.Window));
        return new CompiledAgent(normalized, schema, policy!, ruleSet!, actions, TimeSpan.FromSeconds(window), defaultReward, apprentice, request.Apprentice?.Baseline) { PolicyModel = policyModel };
    }

    private static ApprenticeSettings? Apprentice(AgentApprenticeSpec? spec, Dictionary<string, double[]> actions, Action<string, string> add)
    {
        if (spec is null)
        {
            return null;
        }
        var settings = new ApprenticeSettings();
        settings = settings with { Margin = spec.Margin ?? settings.Margin, Window = spec.Window ?? settings.Window };
        foreach (var (field, message) in settings.Problems())
        {
            add($"apprentice.{field}", message);
        }
        if (spec.Baseline is { } baseline && (!ValidId(baseline) || (actions.Count > 0 && !actions.ContainsKey(baseline))))
        {
            add("apprentice.baseline", "must be one of the agent's actions");
        }
        return settings;
    }

    /// <summary>The policy settings of a spec; null fields take the defaults of <paramref name="fallback"/>.</summary>
    public static PolicySettings? Policy(AgentPolicySpec spec, string field, Action<string, string> add, PolicySettings? fallback = null)
    {
        fallback ??= new PolicySettings();
        PolicyKind? kind = spec.Kind?.ToLowerInvariant() switch
        {
            null => fallback.Kind,
            "random" => PolicyKind.Random,
            "epsilon-greedy" or "epsilongreedy" or "egreedy" => PolicyKind.EpsilonGreedy,
            "linucb" => PolicyKind.LinUcb,
            "onnx" => PolicyKind.Onnx,
            _ => null,
        };
        LinearModelKind? model = spec.Model?.ToLowerInvariant() switch
        {
            null => fallback.Model,
            "shared" => LinearModelKind.Shared,
            "disjoint" => LinearModelKind.Disjoint,
            _ => null,
        };
        if (kind is null)
        {
            add($"{field}.kind", "must be random, epsilon-greedy, linucb or onnx");
        }
        if (model is null)
        {
            add($"{field}.model", "must be shared or disjoint");
        }
        if (kind is null || model is null)
        {
            return null;
        }
        var settings = new PolicySettings(kind.Value, spec.Epsilon ?? fallback.Epsilon, spec.Alpha ?? fallback.Alpha, spec.Lambda ?? fallback.Lambda, model.Value, spec.Seed ?? fallback.Seed);
        var broken = settings.Problems();
        foreach (var (f, m) in broken)
        {
            add($"{field}.{f}", m);
        }
        return broken.Count == 0 ? settings : null;
    }

    public static AgentPolicySpec Spec(PolicySettings settings) => new(
        settings.Kind switch { PolicyKind.Random => "random", PolicyKind.LinUcb => "linucb", PolicyKind.Onnx => "onnx", _ => "epsilon-greedy" },
        settings.Epsilon, settings.Alpha, settings.Lambda, settings.Model == LinearModelKind.Disjoint ? "disjoint" : "shared", settings.Seed);

    /// <summary>Values by name into schema order; unknown names and non-finite values are problems, missing names 0.</summary>
    public static double[] Features(IReadOnlyDictionary<string, double>? values, IReadOnlyList<string> names, string field, double[]? defaults, Action<string, string> add)
    {
        var vector = defaults is null ? new double[names.Count] : (double[])defaults.Clone();
        if (values is null)
        {
            return vector;
        }
        // Callers mostly send the features in the schema's order: trying the position after the last match first
        // keeps 50 features at 50 comparisons instead of a scan each (the scan was most of decide's validation).
        int next = 0;
        foreach (var (name, value) in values)
        {
            int index = next < names.Count && string.Equals(names[next], name, StringComparison.Ordinal) ? next : IndexOf(names, name);
            next = index + 1;
            if (index < 0)
            {
                add($"{field}.{name}", "is not a feature of this agent");
            }
            else if (!double.IsFinite(value))
            {
                add($"{field}.{name}", "must be a finite number");
            }
            else
            {
                vector[index] = value;
            }
        }
        return vector;
    }

    public static Dictionary<string, double> Named(double[] values, IReadOnlyList<string> names)
    {
        var named = new Dictionary<string, double>(names.Count, StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            named[names[i]] = values[i];
        }
        return named;
    }

    public static bool ValidId(string? id) => !string.IsNullOrWhiteSpace(id) && id.Length <= AgentLimits.MaxIdLength;

    private static string[] Names(IReadOnlyList<string>? names, string field, Action<string, string> add)
    {
        names ??= [];
        if (names.Count > AgentLimits.MaxFeatures)
        {
            add(field, $"at most {AgentLimits.MaxFeatures} features");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < names.Count; i++)
        {
            if (names[i] is null || !FeatureName().IsMatch(names[i]))
            {
                add($"{field}[{i}]", "must be 1-64 of letters, digits and _, starting with a letter or _");
            }
            else if (!seen.Add(names[i]))
            {
                add($"{field}[{i}]", "is used twice");
            }
        }
        return [.. names];
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]{0,63}$")]
    private static partial Regex AgentName();

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,63}$")]
    private static partial Regex FeatureName();
}
