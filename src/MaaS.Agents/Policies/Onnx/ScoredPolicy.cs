namespace MaaS.Agents.Policies.Onnx;

/// <summary>
/// A policy whose action scores come from outside (an ONNX model in the registry): ε spread uniformly over the
/// eligible actions, 1 − ε shared by the eligible ones tied for the best score, sampled with a seeded generator.
/// Rules mask before it: an ineligible action gets probability 0 whatever its score. It learns nothing online (the
/// model is trained offline). Not thread-safe: one owner serialises its calls.
/// </summary>
public sealed class ScoredPolicy(double epsilon, int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>Exploration share in [0, 1].</summary>
    public double Epsilon { get; } = epsilon is >= 0 and <= 1 ? epsilon : throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "Epsilon must be within [0, 1].");

    /// <summary>The probabilities over the eligible actions and a sampled one; a non-finite score counts as the lowest.</summary>
    public PolicyDecision Decide(double[] scores, ReadOnlySpan<bool> eligible)
    {
        if (scores.Length != eligible.Length)
        {
            throw new ArgumentException($"Expected {eligible.Length} scores, got {scores.Length}.", nameof(scores));
        }
        var probabilities = new double[scores.Length];
        Probabilities(scores, eligible, Epsilon, probabilities);
        return new PolicyDecision(Distributions.Sample(probabilities, _random), probabilities, scores);
    }

    /// <summary>
    /// The distribution <see cref="Decide"/> samples from: ε-greedy over <paramref name="scores"/> among the eligible
    /// actions, a non-finite score counting as the lowest. Offline evaluation weighs logged decisions by it.
    /// </summary>
    public static void Probabilities(ReadOnlySpan<double> scores, ReadOnlySpan<bool> eligible, double epsilon, Span<double> probabilities)
    {
        Span<double> ranked = scores.Length <= 64 ? stackalloc double[scores.Length] : new double[scores.Length];
        for (int i = 0; i < scores.Length; i++)
        {
            ranked[i] = double.IsFinite(scores[i]) ? scores[i] : double.MinValue;
        }
        Distributions.EpsilonGreedy(ranked, eligible, epsilon, probabilities);
    }
}
