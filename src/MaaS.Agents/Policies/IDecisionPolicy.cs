namespace MaaS.Agents.Policies;

/// <summary>A policy as a distribution: the probability of each candidate action in one decision.</summary>
public interface IDecisionPolicy
{
    /// <summary>
    /// Writes π(a | input) for every action into <paramref name="probabilities"/> (same order as the actions): 0 for an
    /// action that is not <paramref name="eligible"/>, and the eligible ones summing to 1. At least one must be eligible.
    /// </summary>
    void Probabilities(DecisionInput input, ReadOnlySpan<bool> eligible, Span<double> probabilities);
}

/// <summary>Always the action with one id when it is eligible, uniform over the eligible ones otherwise.</summary>
public sealed class FixedActionPolicy(string actionId) : IDecisionPolicy
{
    /// <inheritdoc />
    public void Probabilities(DecisionInput input, ReadOnlySpan<bool> eligible, Span<double> probabilities)
    {
        int index = input.IndexOf(actionId);
        if (index >= 0 && eligible[index])
        {
            probabilities.Clear();
            probabilities[index] = 1;
            return;
        }
        Distributions.Uniform(eligible, probabilities);
    }
}

/// <summary>A deterministic rule given as a function from the decision to the chosen action index.</summary>
public sealed class RulePolicy(Func<DecisionInput, int> choose) : IDecisionPolicy
{
    /// <inheritdoc />
    public void Probabilities(DecisionInput input, ReadOnlySpan<bool> eligible, Span<double> probabilities)
    {
        int index = choose(input);
        if (index >= 0 && index < eligible.Length && eligible[index])
        {
            probabilities.Clear();
            probabilities[index] = 1;
            return;
        }
        Distributions.Uniform(eligible, probabilities);
    }
}
