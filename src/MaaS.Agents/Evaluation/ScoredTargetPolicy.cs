using MaaS.Agents.Policies.Onnx;

namespace MaaS.Agents.Evaluation;

/// <summary>
/// A fixed target policy for offline evaluation whose scores come from outside (an ONNX policy model): the
/// probabilities <see cref="ScoredPolicy"/> would decide with, ε-greedy over <paramref name="score"/>'s scores for the
/// decision's candidates. <paramref name="score"/> gives one score per candidate of the input it is handed.
/// </summary>
public sealed class ScoredTargetPolicy(Func<DecisionInput, double[]> score, double epsilon) : IDecisionPolicy
{
    /// <inheritdoc />
    public void Probabilities(DecisionInput input, ReadOnlySpan<bool> eligible, Span<double> probabilities)
    {
        double[] scores = score(input);
        if (scores.Length != eligible.Length)
        {
            throw new ArgumentException($"Expected {eligible.Length} scores, got {scores.Length}.", nameof(input));
        }
        ScoredPolicy.Probabilities(scores, eligible, epsilon, probabilities);
    }
}
