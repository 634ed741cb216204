using MaaS.Agents.Rules;

namespace MaaS.Agents.Tests.Rules;

public sealed class RuleSetTests
{
    private static readonly FeatureSchema Schema = new(["skill", "level"], ["difficulty", "cost"]);

    private static DecisionInput Input(double skill, double level = 1) => new(
        [skill, level],
        [new ActionInput("easy", [0.2, 1]), new ActionInput("normal", [0.5, 2]), new ActionInput("hard", [0.9, 3])]);

    private static RuleSet Compile(params RuleDefinition[] rules)
    {
        RuleSet? set = RuleSet.Compile(rules, Schema, out var problems);
        Assert.True(set is not null, string.Join("; ", problems));
        return set;
    }

    [Fact]
    public void Apply_ForbidOnContextAndAction_RemovesOnlyMatchingActions()
    {
        RuleSet rules = Compile(new RuleDefinition("no-hard-for-novices", "context.skill < 0.3 and action.difficulty >= 0.7", RuleEffect.Forbid));

        RuleOutcome novice = rules.Apply(Input(0.2));
        RuleOutcome expert = rules.Apply(Input(0.8));

        Assert.Equal([true, true, false], novice.Eligible);
        Assert.Equal([new RuleFiring("no-hard-for-novices", "hard", RuleEffect.Forbid)], novice.Fired);
        Assert.Equal([true, true, true], expert.Eligible);
        Assert.Empty(expert.Fired);
    }

    [Fact]
    public void Apply_AllowOverridesForbid_AndExplainListsBoth()
    {
        RuleSet rules = Compile(
            new RuleDefinition("costly", "action.cost > 1", RuleEffect.Forbid),
            new RuleDefinition("veterans-may-pay", "context.level >= 10 and action.id == 'hard'", RuleEffect.Allow));

        RuleOutcome outcome = rules.Apply(Input(0.5, level: 12));

        Assert.Equal([true, false, true], outcome.Eligible);
        Assert.Equal(3, outcome.Fired.Count);
        Assert.Contains(new RuleFiring("veterans-may-pay", "hard", RuleEffect.Allow), outcome.Fired);
    }

    [Fact]
    public void Apply_Force_KeepsOnlyForcedEligibleActions()
    {
        RuleSet rules = Compile(
            new RuleDefinition("tutorial", "context.level < 2 and (action.id == \"easy\" or action.id == \"normal\")", RuleEffect.Force),
            new RuleDefinition("no-normal", "action.id == 'normal'", RuleEffect.Forbid));

        Assert.Equal([true, false, false], rules.Apply(Input(0.5, level: 1)).Eligible);
        Assert.Equal([true, false, true], rules.Apply(Input(0.5, level: 5)).Eligible);
    }

    [Fact]
    public void Apply_ForceOnlyOnForbidden_FallsBackToTheOthers()
    {
        RuleSet rules = Compile(
            new RuleDefinition("force-hard", "action.id == 'hard'", RuleEffect.Force),
            new RuleDefinition("forbid-hard", "action.id == 'hard'", RuleEffect.Forbid));

        Assert.Equal([true, true, false], rules.Apply(Input(0.5)).Eligible);
    }

    [Fact]
    public void Apply_EverythingForbidden_ReportsNoneEligible()
    {
        RuleSet rules = Compile(new RuleDefinition("closed", "true", RuleEffect.Forbid));

        Assert.False(rules.Apply(Input(0.5)).AnyEligible);
    }

    [Fact]
    public void Apply_Excluded_NeverEligibleNorFired()
    {
        RuleSet rules = Compile(new RuleDefinition("all", "not false", RuleEffect.Allow));

        RuleOutcome outcome = rules.Apply(Input(0.5), [false, true, false]);

        Assert.Equal([true, false, true], outcome.Eligible);
        Assert.DoesNotContain(outcome.Fired, f => f.Action == "normal");
    }

    [Theory]
    [InlineData("not context.skill < 0.5 or action.cost == 1", new[] { true, false, false })]
    [InlineData("not (context.skill < 0.5 or action.cost == 1)", new[] { false, false, false })]
    [InlineData("action.difficulty != 0.5 and action.cost <= 3", new[] { true, false, true })]
    [InlineData("context.skill > action.difficulty", new[] { true, false, false })]
    [InlineData("action.id != 'easy' AND action.cost >= -1e1", new[] { false, true, true })]
    public void Apply_Precedence_NotBindsTighterThanAndThanOr(string when, bool[] expectedFired)
    {
        RuleSet rules = Compile(new RuleDefinition("r", when, RuleEffect.Force));

        RuleOutcome outcome = rules.Apply(Input(0.3));

        bool[] fired = [.. new[] { "easy", "normal", "hard" }.Select(id => outcome.Fired.Any(f => f.Action == id))];
        Assert.True(expectedFired.SequenceEqual(fired), $"{when}: fired {string.Join(",", fired)}");
    }

    [Theory]
    [InlineData("context.unknown < 1", "rules[0].when", "Unknown context feature")]
    [InlineData("action.speed > 1", "rules[0].when", "Unknown action feature")]
    [InlineData("context.skill <", "rules[0].when", "Expected")]
    [InlineData("(context.skill < 1", "rules[0].when", "Expected ')'")]
    [InlineData("action.id < 'x'", "rules[0].when", "action.id only with == or !=")]
    [InlineData("context.skill < 1 extra", "rules[0].when", "Unexpected")]
    [InlineData("player.skill < 1", "rules[0].when", "neither")]
    [InlineData("", "rules[0].when", "needs a condition")]
    public void Compile_BadCondition_ReportsTheField(string when, string field, string message)
    {
        RuleSet? set = RuleSet.Compile([new RuleDefinition("r", when, RuleEffect.Forbid)], Schema, out var problems);

        Assert.Null(set);
        Assert.Contains(problems, p => p.Field == field && p.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_SeveralBadRules_ReportsEveryProblem()
    {
        RuleSet? set = RuleSet.Compile(
            [new RuleDefinition("a", "context.nope > 1", RuleEffect.Forbid), new RuleDefinition("a", "true", RuleEffect.Forbid), new RuleDefinition("", "true", (RuleEffect)9)],
            Schema,
            out var problems);

        Assert.Null(set);
        Assert.Equal(["rules[0].when", "rules[1].name", "rules[2].name", "rules[2].effect"], problems.Select(p => p.Field));
    }
}
